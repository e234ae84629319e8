import { DomainError } from "../domain/domain-error";
import type { Actor, AppServices } from "./context";

/** The development outbox: e-mails kept locally when no SMTP server is configured. Admins only. */
export async function listOutbox(services: AppServices, actor: Actor, limit = 50) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can read the outbox");
  return services.db
    .selectFrom("outboxEmail")
    .select(["id", "toAddress", "subject", "text", "html", "attachments", "createdAt"])
    .orderBy("createdAt", "desc")
    .limit(limit)
    .execute();
}
