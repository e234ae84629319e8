import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import type { Access } from "../access/access";
import type { Actor, AppServices } from "../services/context";

/** The signed-in user of a socket: the acting user (built by `actorOf` at the handshake) and their name. */
export interface SocketUser extends Actor {
  name: string;
}

/** A refusal carries its code, the status `statusOf` gives it (as pages and the API answer) and a readable message. */
export type Ack = { ok: true; data?: unknown } | { ok: false; error: string; status: number; message: string };

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
