import { mkdir, readFile, writeFile } from "node:fs/promises";
import { STORED_FILE_MODE } from "../security/stored-files";
import path from "node:path";
import { strToU8, zipSync, type Zippable } from "fflate";
import { sql } from "kysely";
import { DomainError } from "../domain/domain-error";
import { enqueueJob } from "../jobs/queue";
import { sendMailOnce } from "../jobs/mail-once";
import { audit } from "./audit";
import { CLINIC_NAME } from "../auth/auth";
import { invoiceLabel } from "../domain/journey/billing";
import { renderInvoicePdf } from "./billing/invoice-pdf";
import { readPhotoFile } from "./diary/photo-store";
import { homeworkPdfFor } from "./homework/homework";
import type { Actor, AppServices } from "./context";

export const DATA_EXPORT_JOB = "data-export";
export const EXPORT_VALID_DAYS = 7;

/**
 * Tables never exported: secrets and machinery (password hashes, session tokens, rate limits, the
 * job queue), not data about the person. Every other table holding a `patient_id` or `user_id` is
 * exported, so a new area's data joins the archive without touching this file.
 */
const NOT_EXPORTED = new Set(["session", "account", "verification", "rate_limit", "login_failure", "job", "mail_delivery", "outbox_email", "data_export", "kysely_migration", "kysely_migration_lock", "socket_io_attachments", "staff_invitation"]);

/** The patient asks for all their data; it is prepared in the background and e-mailed as a link. */
export async function requestDataExport(services: AppServices, actor: Actor): Promise<{ exportId: string }> {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Data exports are for patients' own data.");
  const now = services.now();
  const exportId = await services.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto("dataExport").values({ userId: actor.userId, requestedAt: now, readyAt: null, expiresAt: null, filePath: null, sizeBytes: null }).returning("id").executeTakeFirstOrThrow();
    await enqueueJob(trx, { kind: DATA_EXPORT_JOB, payload: { exportId: row.id }, runAt: now, dedupeKey: `data-export:${row.id}` });
    return row.id;
  });
  await audit(services, { actor, action: "data_export.requested", recordType: "data_export", recordId: exportId, patientId: actor.userId });
  return { exportId };
}

export function exportDir(services: AppServices): string {
  return path.resolve(services.env.DATA_DIR, "exports");
}

/** Gathers every record about the patient, their photos, and writes one ZIP (the job's work). */
export async function buildDataExport(services: AppServices, exportId: string): Promise<{ sizeBytes: number; tables: number }> {
  const request = await services.db.selectFrom("dataExport").selectAll().where("id", "=", exportId).executeTakeFirst();
  if (!request || request.status === "ready") return { sizeBytes: request?.sizeBytes ?? 0, tables: 0 };
  const userId = request.userId;
  const user = await services.db.selectFrom("user").select(["id", "name", "email", "role", "timeZone", "createdAt"]).where("id", "=", userId).executeTakeFirstOrThrow();

  const columns = await sql<{ tableName: string; columnName: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and column_name in ('patient_id', 'user_id') order by table_name`.execute(services.db);
  const data: Record<string, unknown[]> = { profile: [user] };
  const files: Zippable = {};
  for (const { tableName, columnName } of columns.rows) {
    if (NOT_EXPORTED.has(tableName)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(tableName)} where ${sql.ref(columnName)} = ${userId}`.execute(services.db);
    if (rows.rows.length) data[tableName] = rows.rows;
  }
  const photos = await services.db.selectFrom("faceCapture as c").innerJoin("faceSnapshot as s", "s.id", "c.snapshotId").select(["c.photoPath"]).where("s.patientId", "=", userId).where("c.photoPath", "is not", null).execute();
  for (const { photoPath } of photos) {
    const bytes = await readPhotoFile(services, photoPath!);
    if (bytes) files[`photos/${path.basename(photoPath!)}`] = bytes;
  }
  // Printable copies: each session's homework sheet and each invoice, as the patient received them.
  const homeworkSessions = await services.db
    .selectFrom("homeworkItem as h")
    .innerJoin("clinicalSession as s", "s.id", "h.sessionId")
    .select(["s.id"])
    .distinct()
    .where("s.patientId", "=", userId)
    .execute();
  for (const { id } of homeworkSessions) {
    const { pdf, fileName } = await homeworkPdfFor(services, { userId, role: "patient" }, id);
    files[`homework/${fileName.replace(/\.pdf$/, "")}-${id.slice(0, 8)}.pdf`] = new Uint8Array(pdf);
  }
  const invoices = await services.db.selectFrom("invoice").selectAll().where("patientId", "=", userId).orderBy("createdAt").execute();
  for (const inv of invoices) {
    const pdf = await renderInvoicePdf({
      clinicName: CLINIC_NAME,
      invoiceId: inv.id,
      billedTo: user.name,
      description: invoiceLabel(inv),
      amountCents: inv.amountCents,
      currency: inv.currency,
      status: inv.status,
      issuedOn: inv.createdAt.toISOString().slice(0, 10),
      dueOn: inv.dueAt?.toISOString().slice(0, 10) ?? null,
      paidOn: inv.paidAt?.toISOString().slice(0, 10) ?? null,
    });
    files[`invoices/invoice-${inv.createdAt.toISOString().slice(0, 10)}-${inv.id.slice(0, 8)}.pdf`] = new Uint8Array(pdf);
  }
  const readme = [
    "Your data from the facial palsy rehabilitation platform",
    `Prepared on ${services.now().toISOString()} for ${user.name}.`,
    "",
    "data.json holds every record about you, one list per kind of record (machine-readable JSON).",
    "photos/ holds the face photos you chose to keep (only if you opted in).",
    "homework/ holds the printable sheet of each session's homework; invoices/ one PDF per invoice.",
    "Times are in UTC.",
  ].join("\n");
  files["README.txt"] = strToU8(readme);
  files["data.json"] = strToU8(JSON.stringify({ exportedAt: services.now().toISOString(), data }, null, 2));
  const zip = zipSync(files, { level: 6 });
  await mkdir(exportDir(services), { recursive: true });
  const relative = `${exportId}.zip`;
  await writeFile(path.join(exportDir(services), relative), zip, { mode: STORED_FILE_MODE });
  const now = services.now();
  await services.db
    .updateTable("dataExport")
    .set({ status: "ready", readyAt: now, expiresAt: new Date(now.getTime() + EXPORT_VALID_DAYS * 86_400_000), filePath: relative, sizeBytes: zip.length })
    .where("id", "=", exportId)
    .execute();
  await sendMailOnce(services, `data-export-ready:${exportId}`, {
    to: user.email,
    subject: "Your data is ready to download",
    text: `Hello ${user.name},\n\nThe archive with all your data is ready. Download it from your account page within ${EXPORT_VALID_DAYS} days:\n\n${services.env.PUBLIC_URL}/account\n`,
  });
  return { sizeBytes: zip.length, tables: Object.keys(data).length };
}

export async function listDataExports(services: AppServices, actor: Actor) {
  return services.db.selectFrom("dataExport").select(["id", "status", "requestedAt", "readyAt", "expiresAt", "sizeBytes"]).where("userId", "=", actor.userId).orderBy("requestedAt", "desc").limit(10).execute();
}

/** The archive, for its owner only, while it is valid. */
export async function readDataExport(services: AppServices, actor: Actor, exportId: string): Promise<Uint8Array> {
  if (!/^[0-9a-f-]{36}$/i.test(exportId)) throw new DomainError("NOT_FOUND", "No such export.");
  const row = await services.db.selectFrom("dataExport").selectAll().where("id", "=", exportId).executeTakeFirst();
  if (!row || row.userId !== actor.userId) {
    await audit(services, { actor, action: "access.refused", outcome: "refused", recordType: "data_export", recordId: exportId });
    throw new DomainError("NOT_FOUND", "No such export.");
  }
  if (row.status !== "ready" || !row.filePath || (row.expiresAt && row.expiresAt < services.now())) throw new DomainError("GONE", "This export is not available; ask for a new one.");
  await audit(services, { actor, action: "data_export.downloaded", recordType: "data_export", recordId: exportId, patientId: actor.userId });
  return new Uint8Array(await readFile(path.join(exportDir(services), row.filePath)));
}
