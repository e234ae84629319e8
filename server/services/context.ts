import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { DomainError } from "../domain/domain-error";
import type { DatabaseKind } from "../../db/client";
import type { Auth } from "../auth/auth";
import type { Env } from "../env";
import type { Logger } from "../logger";
import type { Mailer } from "../mail/mailer";

/** Realtime notifications the services may send; the socket.io layer implements it. */
export interface Notifier {
  toAuthSession(sessionId: string, event: string, payload: unknown): void;
  toUser(userId: string, event: string, payload: unknown): void;
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

/**
 * The acting user of a request, built one way for pages (the Remix context), the API and sockets: from
 * the authenticated session and the client's address. A missing session is refused as UNAUTHENTICATED
 * (routes are guarded by the access table first, so pages never see it).
 */
export function actorOf(from: { session: { user: { id: string; role: Actor["role"] }; sessionId: string } | null | undefined; clientIp: string }): Actor {
  if (!from.session) throw new DomainError("UNAUTHENTICATED", "Please log in");
  return { userId: from.session.user.id, role: from.session.user.role, sessionId: from.session.sessionId, ip: from.clientIp };
}
