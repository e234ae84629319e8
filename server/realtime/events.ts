import { z } from "zod";
import { signedIn } from "../access/access";
import { boardEvents } from "./board-events";
import { callEvents } from "./call-events";
import { diaryEvents } from "./diary-events";
import { defineEvent, type SocketEventDef } from "./event-types";

export type { Ack, SocketEventDef, SocketUser } from "./event-types";

/**
 * Every event a client may send, with who may send it and the schema its payload must match.
 * Events not listed here are refused; the route-permission test walks this table.
 */
export const socketEvents: Record<string, SocketEventDef> = {
  "client:heartbeat": defineEvent({
    access: signedIn,
    schema: z.object({ activity: z.enum(["page", "call"]) }).strict(),
    handle: ({ services }) => ({ serverTime: services.now().toISOString() }),
  }),
  ...callEvents,
  ...boardEvents,
  ...diaryEvents,
};
