import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import type { AuditOutcome } from "../../db/schema-trust";
import { DomainError } from "../domain/domain-error";
import type { Actor, AppServices } from "./context";

export interface AuditEntry {
  actor?: (Pick<Actor, "userId" | "role"> & { ip?: string }) | null;
  action: string;
  outcome?: AuditOutcome;
  recordType?: string;
  recordId?: string;
  patientId?: string | null;
  ip?: string;
}

/**
 * Records who did what to which record, when, from where: reads and changes of health data and
 * security events. Append-only (a database trigger refuses updates and deletes). Never the content.
 */
export async function audit(services: Pick<AppServices, "db">, entry: AuditEntry, executor: Kysely<Database> = services.db): Promise<void> {
  await auditAll(services, [entry], executor);
}

/** Several events in one insert (e.g. a list that shows several patients: one row per patient). */
export async function auditAll(services: Pick<AppServices, "db">, entries: readonly AuditEntry[], executor: Kysely<Database> = services.db): Promise<void> {
  if (entries.length === 0) return;
  await executor
    .insertInto("auditEvent")
    .values(
      entries.map((entry) => ({
        actorId: entry.actor?.userId ?? null,
        actorRole: entry.actor?.role ?? null,
        action: entry.action,
        outcome: entry.outcome ?? "allowed",
        recordType: entry.recordType ?? null,
        recordId: entry.recordId ?? null,
        patientId: entry.patientId ?? null,
        ip: entry.ip ?? entry.actor?.ip ?? null,
      })),
    )
    .execute();
}

/**
 * A read of a list spanning several patients (a therapist's patients, the unpaid invoices): one row
 * per patient shown, so a search by patient finds it; the record id is the patient's id.
 */
export async function auditPatientList(services: Pick<AppServices, "db">, entry: Omit<AuditEntry, "patientId" | "recordId">, patientIds: Iterable<string>): Promise<void> {
  await auditAll(services, [...new Set(patientIds)].map((patientId) => ({ ...entry, patientId, recordId: patientId })));
}

const filterSchema = z.object({
  patientId: z.string().max(64).optional().transform((v) => v || undefined),
  actorId: z.string().max(64).optional().transform((v) => v || undefined),
  action: z.string().max(64).optional().transform((v) => v || undefined),
  from: z.string().optional().transform((v, ctx) => parseDate(v, ctx, "from")),
  to: z.string().optional().transform((v, ctx) => parseDate(v, ctx, "to")),
});

function parseDate(value: string | undefined, ctx: z.RefinementCtx, field: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `Enter a valid date for "${field}"` });
    return z.NEVER;
  }
  return date;
}

export type AuditFilters = z.input<typeof filterSchema>;

/** Admins search the trail by patient, user and time (newest first). */
export async function searchAudit(services: AppServices, actor: Actor, input: AuditFilters, limit = 500) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can read the audit trail.");
  const parsed = filterSchema.safeParse(input);
  if (!parsed.success) throw new DomainError("INVALID", parsed.error.issues[0]?.message ?? "Invalid filter");
  const f = parsed.data;
  let q = services.db.selectFrom("auditEvent").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(limit);
  if (f.patientId) q = q.where("patientId", "=", f.patientId);
  if (f.actorId) q = q.where("actorId", "=", f.actorId);
  if (f.action) q = q.where("action", "like", `${f.action.replace(/[%_]/g, "")}%`);
  if (f.from) q = q.where("at", ">=", f.from);
  if (f.to) q = q.where("at", "<=", f.to);
  const rows = await q.execute();
  await audit(services, { actor, action: "audit.search", recordType: "audit_event" });
  return rows;
}

const CSV_COLUMNS = ["at", "actorId", "actorRole", "action", "outcome", "recordType", "recordId", "patientId", "ip"] as const;

export function auditCsv(rows: Awaited<ReturnType<typeof searchAudit>>): string {
  const cell = (v: unknown) => {
    const text = v instanceof Date ? v.toISOString() : v == null ? "" : String(v);
    // Quote every cell, neutralise formula prefixes for spreadsheet safety.
    return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
  };
  return [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(","))].join("\r\n") + "\r\n";
}
