/**
 * Who may read and write a patient's diary and face snapshots: the patient, and therapists who hold or
 * held a session or program with them. Nobody else — not planners, not admins, not other patients or
 * therapists (health data). Every read and change is recorded in the audit trail (`audit_event`).
 */
import { DomainError } from "../../domain/domain-error";
import { isTherapistOf } from "../journey/common";
import type { Queryable } from "../../jobs/queue";
import { audit as auditEvent } from "../audit";
import type { Actor, AppServices } from "../context";

export type DiaryViewer = "patient" | "therapist";

/** A missing patient is NOT_FOUND (404), someone else's diary FORBIDDEN (403). */
export async function assertDiaryReader(db: Queryable, actor: Actor, patientId: string): Promise<DiaryViewer> {
  const patient = await db.selectFrom("user").select(["id", "role"]).where("id", "=", patientId).executeTakeFirst();
  if (!patient || patient.role !== "patient") throw new DomainError("NOT_FOUND", "There is no such patient.");
  if (actor.role === "patient" && actor.userId === patientId) return "patient";
  if (actor.role === "therapist" && (await isTherapistOf(db, actor.userId, patientId))) return "therapist";
  throw new DomainError("FORBIDDEN", "This diary belongs to someone else. Only the patient and their therapists can read it.");
}

export function assertPatientSelf(actor: Actor): void {
  if (actor.role !== "patient") throw new DomainError("FORBIDDEN", "Only the patient can do this in their own diary.");
}

/**
 * Records a read or change of a patient's diary in the audit trail: the record's type and id (the
 * patient's id for the whole diary), never its content. Inside a transaction, it is written with it.
 */
export async function audit(db: Queryable, actor: Actor | null, patientId: string, action: string, recordType: string, recordId: string): Promise<void> {
  await auditEvent({ db }, { actor, action, recordType, recordId, patientId }, db);
}

export function logEvent(services: AppServices, event: string, ids: Record<string, string | number | null | undefined>): void {
  // Ids and counts only: never diary text, ratings or measures.
  services.logger.info({ event, ...ids }, event);
}
