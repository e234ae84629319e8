import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import type { Access } from "../access/access";
import type { AppServices } from "../services/context";

export interface SocketUser {
  userId: string;
  role: "patient" | "therapist" | "planner" | "admin";
  sessionId: string;
  name: string;
  /** The client's address (as the HTTP side sees it), for the audit trail. */
  ip: string;
}

export type Ack = { ok: true; data?: unknown } | { ok: false; error: string; message: string };

export interface SocketContext {
  services: AppServices;
  user: SocketUser;
  socket: Socket;
  io: Server;
}

export interface SocketEventDef<S extends z.ZodType = z.ZodType> {
  access: Access;
  schema: S;
  handle: (ctx: SocketContext, payload: z.infer<S>) => Promise<unknown> | unknown;
}

export const defineEvent = <S extends z.ZodType>(def: SocketEventDef<S>) => def as unknown as SocketEventDef;
