import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { DatabaseKind } from "../../db/client";
import type { Auth } from "../auth/auth";
import type { Env } from "../env";
import type { Logger } from "../logger";
import type { Mailer } from "../mail/mailer";

/** Realtime notifications the services may send; the socket.io layer implements it. */
export interface Notifier {
  toAuthSession(sessionId: string, event: string, payload: unknown): void;
  toUser(userId: string, event: string, payload: unknown): void;
  /** Closes the sockets of a browser session or of every session of a user, on every app instance. */
  disconnect(target: { sessionId: string } | { userId: string }): void;
}

/** Everything a service needs, built once at boot and handed down (never imported as a global). */
export interface AppServices {
  env: Env;
  db: Kysely<Database>;
  dbKind: DatabaseKind;
  auth: Auth;
  mailer: Mailer;
  logger: Logger;
  notifier: Notifier;
  now: () => Date;
}

/** The acting user, as the edge authenticated them. */
export interface Actor {
  userId: string;
  role: Database["user"]["role"]["__select__"];
  sessionId: string;
  ip: string;
}
