import { z } from "zod";
import { type Access, signedIn } from "../access/access";
import type { AppServices } from "../services/context";

export interface SocketUser {
  userId: string;
  role: "patient" | "therapist" | "planner" | "admin";
  sessionId: string;
}

export type Ack = { ok: true; data?: unknown } | { ok: false; error: string; message: string };

export interface SocketEventDef<S extends z.ZodType = z.ZodType> {
  access: Access;
  schema: S;
  handle: (services: AppServices, user: SocketUser, payload: z.infer<S>) => Promise<unknown> | unknown;
}

const defineEvent = <S extends z.ZodType>(def: SocketEventDef<S>) => def as unknown as SocketEventDef;

/**
 * Every event a client may send, with who may send it and the schema its payload must match.
 * Events not listed here are refused; the route-permission test walks this table.
 */
export const socketEvents: Record<string, SocketEventDef> = {
  "client:heartbeat": defineEvent({
    access: signedIn,
    schema: z.object({ activity: z.enum(["page", "call"]) }).strict(),
    handle: (services) => ({ serverTime: services.now().toISOString() }),
  }),
};
