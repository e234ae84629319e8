import { rm } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { z } from "zod";
import { DomainError } from "../domain/domain-error";
import { ERASED, invoiceRetainUntil, retainedAfterErasure, type RetentionRule } from "../domain/trust/retention";
import { enqueueJob } from "../jobs/queue";
import { audit } from "./audit";
import type { Actor, AppServices } from "./context";
import { exportDir } from "./data-rights";
import { deletePatientPhotoFolder, deletePhotoFiles } from "./diary/photo-store";

export const ERASURE_JOB = "erasure";

/**
 * Tables that outlive an erasure: the request itself (no personal data), the append-only audit trail
 * (pseudonymous ids only), invoices (kept minimal by the retention rule) and the anonymised user row,
 * which those three still point to. Every other table with a `patient_id` or `user_id` column is
 * emptied of the patient's rows, so a new area's data is erased without touching this file.
 */
const KEPT_TABLES = new Set(["erasure_request", "audit_event", "invoice", "user", "kysely_migration", "kysely_migration_lock"]);

function policyOf(services: AppServices) {
  return { invoiceYears: services.env.INVOICE_RETENTION_YEARS };
}

export interface ErasureOverview {
  erased: readonly string[];
  retained: RetentionRule[];
  open: { id: string; status: "requested" | "confirmed"; requestedAt: Date } | null;
  lastDeclined: { decidedAt: Date | null; reason: string | null } | null;
}

/** What the account page shows the patient: what erasure deletes, what is kept and why, and their request. */
export async function erasureOverview(services: AppServices, actor: Actor): Promise<ErasureOverview> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Erasure requests are for patients' own accounts.");
  const rows = await services.db.selectFrom("erasureRequest").selectAll().where("patientId", "=", actor.userId).orderBy("requestedAt", "desc").limit(5).execute();
  const open = rows.find((r) => r.status === "requested" || r.status === "confirmed");
  const declined = rows[0]?.status === "declined" ? rows[0] : undefined;
  return {
    erased: ERASED,
    retained: retainedAfterErasure(policyOf(services)),
    open: open ? { id: open.id, status: open.status as "requested" | "confirmed", requestedAt: open.requestedAt } : null,
    lastDeclined: declined ? { decidedAt: declined.decidedAt, reason: declined.declineReason } : null,
  };
}

/** The patient asks (GDPR art. 17); nothing is deleted until an admin confirms. */
export async function requestErasure(services: AppServices, actor: Actor, input: unknown): Promise<{ requestId: string }> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Erasure requests are for patients' own accounts.");
  const parsed = z.object({ understood: z.literal("yes") }).safeParse(input);
  if (!parsed.success) throw new DomainError("INVALID", "Tick the box to confirm you understand erasure cannot be undone", "understood");
  const row = await services.db
    .insertInto("erasureRequest")
    .values({ patientId: actor.userId, requestedAt: services.now(), decidedBy: null, decidedAt: null, declineReason: null, completedAt: null })
    // Asking again (or a double click racing itself): the partial unique index keeps one open request.
    .onConflict((oc) => oc.column("patientId").where("status", "in", ["requested", "confirmed"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) {
    const open = await services.db.selectFrom("erasureRequest").select("id").where("patientId", "=", actor.userId).where("status", "in", ["requested", "confirmed"]).executeTakeFirstOrThrow();
    return { requestId: open.id };
  }
  const requestId = row.id;
  await audit(services, { actor, action: "erasure.requested", recordType: "erasure_request", recordId: requestId, patientId: actor.userId });
  return { requestId };
}

/** The patient changes their mind while an admin has not confirmed yet. */
export async function cancelErasure(services: AppServices, actor: Actor): Promise<void> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Erasure requests are for patients' own accounts.");
  const updated = await services.db.updateTable("erasureRequest").set({ status: "cancelled", decidedAt: services.now() }).where("patientId", "=", actor.userId).where("status", "=", "requested").returning("id").executeTakeFirst();
  if (!updated) throw new DomainError("CONFLICT", "There is no erasure request waiting to be cancelled (a confirmed one is already being carried out).");
  await audit(services, { actor, action: "erasure.cancelled", recordType: "erasure_request", recordId: updated.id, patientId: actor.userId });
}

export async function listErasureRequests(services: AppServices, actor: Actor) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only admins handle erasure requests.");
  return services.db
    .selectFrom("erasureRequest as r")
    .innerJoin("user as u", "u.id", "r.patientId")
    .select(["r.id", "r.status", "r.requestedAt", "u.name", "u.email"])
    .where("r.status", "in", ["requested", "confirmed"])
    .orderBy("r.requestedAt")
    .execute();
}

const decisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("confirm"), requestId: z.uuid() }),
  z.object({ decision: z.literal("decline"), requestId: z.uuid(), reason: z.string().trim().min(3, "Say why, for the patient").max(500) }),
]);

/** An admin confirms (the erasure job runs at once) or declines with a reason the patient sees. */
export async function decideErasure(services: AppServices, actor: Actor, input: unknown): Promise<"confirmed" | "declined"> {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only admins handle erasure requests.");
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) throw new DomainError("INVALID", parsed.error.issues[0]?.message ?? "Invalid decision", "reason");
  const now = services.now();
  const d = parsed.data;
  const done = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("erasureRequest")
      .set(d.decision === "confirm" ? { status: "confirmed", decidedBy: actor.userId, decidedAt: now } : { status: "declined", decidedBy: actor.userId, decidedAt: now, declineReason: d.reason })
      .where("id", "=", d.requestId)
      .where("status", "=", "requested")
      .returning(["id", "patientId"])
      .executeTakeFirst();
    if (!row) return null;
    if (d.decision === "confirm") await enqueueJob(trx, { kind: ERASURE_JOB, payload: { requestId: row.id }, runAt: now, dedupeKey: `erasure:${row.id}` });
    return row;
  });
  if (!done) throw new DomainError("CONFLICT", "This request was already handled or cancelled.");
  await audit(services, { actor, action: d.decision === "confirm" ? "erasure.confirmed" : "erasure.declined", recordType: "erasure_request", recordId: done.id, patientId: done.patientId });
  return d.decision === "confirm" ? "confirmed" : "declined";
}

/**
 * The job's work, all in one transaction so a failure leaves everything as it was (and the job
 * retries): the patient's rows go from every table but the kept ones, retained invoices keep only
 * what the rule says, the user row is anonymised. Files go after the commit.
 */
export async function runErasure(services: AppServices, requestId: string): Promise<{ tables: number; files: number }> {
  const request = await services.db.selectFrom("erasureRequest").selectAll().where("id", "=", requestId).executeTakeFirst();
  if (!request || request.status !== "confirmed") return { tables: 0, files: 0 };
  const patientId = request.patientId;
  const now = services.now();
  const policy = policyOf(services);
  const user = await services.db.selectFrom("user").select(["name", "email"]).where("id", "=", patientId).executeTakeFirstOrThrow();
  const photos = await services.db.selectFrom("faceCapture as c").innerJoin("faceSnapshot as s", "s.id", "c.snapshotId").select("c.photoPath").where("s.patientId", "=", patientId).where("c.photoPath", "is not", null).execute();
  const exports = await services.db.selectFrom("dataExport").select("filePath").where("userId", "=", patientId).where("filePath", "is not", null).execute();

  const tables = await services.db.transaction().execute(async (trx) => {
    if (policy.invoiceYears > 0) {
      // Detached from sessions and programmes first: those go, and a programme would take its invoices along.
      await trx.updateTable("invoice").set({ billedTo: user.name, retainUntil: invoiceRetainUntil(now, policy), sessionId: null, programId: null, paymentReference: null }).where("patientId", "=", patientId).execute();
    } else {
      await trx.deleteFrom("invoice").where("patientId", "=", patientId).execute();
    }
    const columns = await sql<{ tableName: string; columnName: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name in ('patient_id', 'user_id') order by table_name`.execute(trx);
    let emptied = 0;
    for (const { tableName, columnName } of columns.rows) {
      if (KEPT_TABLES.has(tableName)) continue;
      const result = await sql`delete from ${sql.table(tableName)} where ${sql.ref(columnName)} = ${patientId}`.execute(trx);
      if (Number(result.numAffectedRows ?? 0) > 0) emptied++;
    }
    await trx.deleteFrom("verification").where("identifier", "=", user.email).execute();
    await trx.deleteFrom("outboxEmail").where("toAddress", "=", user.email).execute();
    await trx.deleteFrom("mailDelivery").where("toAddress", "=", user.email).execute();
    await trx
      .updateTable("user")
      .set({ name: "Erased patient", email: `erased-${patientId}@erased.invalid`, emailVerified: false, image: null, timeZone: "UTC", twoFactorEnabled: false, updatedAt: now })
      .where("id", "=", patientId)
      .execute();
    await trx.updateTable("erasureRequest").set({ status: "done", completedAt: now }).where("id", "=", requestId).execute();
    return emptied;
  });

  services.notifier.disconnect({ userId: patientId });
  const files = await deletePhotoFiles(services, photos.map((p) => p.photoPath!));
  for (const e of exports) await rm(path.join(exportDir(services), path.basename(e.filePath!)), { force: true });
  await deletePatientPhotoFolder(services, patientId);
  await audit(services, { actor: null, action: "erasure.done", recordType: "erasure_request", recordId: requestId, patientId });
  // The last message to the address we no longer keep — unless mail only goes to the local outbox,
  // which would store the address again.
  if (services.mailer.kind === "outbox") return { tables, files: files + exports.length };
  await services.mailer
    .send({
      to: user.email,
      subject: "Your account has been erased",
      text: `Hello,\n\nAs you asked, your account and your health data have been erased from the clinic's platform.${policy.invoiceYears > 0 ? `\nYour invoices (amount, date, payment status and the name billed) are kept for ${policy.invoiceYears} years, as accounting law requires, and then deleted.` : ""}\n`,
    })
    .catch(() => services.logger.warn({ event: "erasure.mail_failed" }, "erasure confirmation e-mail failed"));
  return { tables, files: files + exports.length };
}

/** Retained invoices of erased accounts go when their time is up (run daily by the worker). */
export async function purgeExpiredRetention(services: AppServices): Promise<number> {
  const result = await services.db.deleteFrom("invoice").where("retainUntil", "is not", null).where("retainUntil", "<", services.now()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
