/**
 * Who may read and write a patient's diary and face snapshots: the patient, and therapists who hold or
 * held a session or program with them. Nobody else — not planners, not admins, not other patients or
 * therapists (health data). Every read and change is written to `diary_audit`.
 */
import { DomainError } from "../../domain/domain-error";
import { isTherapistOf } from "../journey/common";
import type { Queryable } from "../../jobs/queue";
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

export async function audit(db: Queryable, now: Date, actor: Actor | null, patientId: string, action: string, targetId?: string): Promise<void> {
  await db.insertInto("diaryAudit").values({ actorId: actor?.userId ?? null, patientId, action, targetId: targetId ?? null, at: now }).execute();
}

export function logEvent(services: AppServices, event: string, ids: Record<string, string | number | null | undefined>): void {
  // Ids and counts only: never diary text, ratings or measures.
  services.logger.info({ event, ...ids }, event);
}
