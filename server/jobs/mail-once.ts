/**
 * At-most-once e-mail. A job runs at least once (a crashed worker's job is taken again), so the e-mail
 * it sends is recorded under a key *before* the SMTP call:
 * - key new → send; on an SMTP error the record is removed, so the retry sends (nothing went out);
 * - key already "sent" → skip;
 * - key left "sending" by a worker that died during the SMTP call → skip and report "uncertain": a
 *   duplicate reminder is worse for a worried patient than the rare lost one, and the log names it.
 */
import type { MailMessage } from "../mail/mailer";
import type { AppServices } from "../services/context";

export type MailOnceResult = "sent" | "already-sent" | "uncertain";

export async function sendMailOnce(services: AppServices, dedupeKey: string, message: MailMessage): Promise<MailOnceResult> {
  const { db } = services;
  const claimed = await db
    .insertInto("mailDelivery")
    .values({ dedupeKey, status: "sending", toAddress: message.to, subject: message.subject, startedAt: services.now() })
    .onConflict((oc) => oc.column("dedupeKey").doNothing())
    .returning("dedupeKey")
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db.selectFrom("mailDelivery").select("status").where("dedupeKey", "=", dedupeKey).executeTakeFirst();
    if (existing?.status === "sent") return "already-sent";
    services.logger.warn({ event: "mail.uncertain", dedupeKey }, "an earlier attempt died while sending; not sending again");
    return "uncertain";
  }
  try {
    await services.mailer.send(message);
  } catch (error) {
    await db.deleteFrom("mailDelivery").where("dedupeKey", "=", dedupeKey).where("status", "=", "sending").execute();
    throw error;
  }
  await db.updateTable("mailDelivery").set({ status: "sent", sentAt: services.now() }).where("dedupeKey", "=", dedupeKey).execute();
  return "sent";
}
