/**
 * The consultation's outcome, recorded by its therapist: enrol (creates the program, module 1, and puts
 * the patient in the planner's queue due one working week later), not suitable (with the reason the
 * patient is told), or a clinic visit. The program's status always comes from the pure state machine.
 */
import { z } from "zod";
import { isUniqueViolation } from "../../../db/client";
import { DomainError } from "../../domain/domain-error";
import { assessEligibility } from "../../domain/journey/eligibility";
import { type ConsultationOutcome, initialProgramState, transition } from "../../domain/journey/program-state";
import { planProposalDueAt } from "../../domain/journey/working-days";
import { todayIn } from "../../domain/journey/zoned-time";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import { constraintOf, failure, idField, type JourneyResult, loadUser, notFound, ok, parseInput, refusalsAsResults, requireRole, zoned, type ZonedTime } from "./common";
import { findIntake } from "./intake";
import { enqueueOutcomeMail } from "./notifications";
import { type ClinicContact, clinicContactOf, eligibilitySettingsOf, loadJourneySettings, programSettingsOf } from "./settings";

const outcomeSchema = z
  .object({
    sessionId: idField("Choose the consultation"),
    outcome: z.enum(["enrol", "not_suitable", "clinic_visit"], { message: "Choose enrol, not suitable or clinic visit" }),
    reason: z.string().trim().max(4000, "Keep this under 4000 characters").default(""),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === "not_suitable" && v.reason === "") {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "Explain why the program is not suitable; the patient will read it" });
    }
  });

export interface RecordedOutcome {
  sessionId: string;
  outcome: ConsultationOutcome;
  programId: string | null;
  planDueAt: Date | null;
}

export async function recordConsultationOutcome(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<RecordedOutcome>> {
  const parsed = parseInput(outcomeSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { sessionId, outcome, reason } = parsed.data;
  const session = await services.db.selectFrom("clinicalSession").selectAll().where("id", "=", sessionId).executeTakeFirst();
  if (!session || session.kind !== "consultation") notFound("Consultation");
  // Only the specialist who held it (an admin may correct it); for anyone else it does not exist.
  if (!(actor.role === "admin" || (actor.role === "therapist" && actor.userId === session.therapistId))) notFound("Consultation");
  if (session.status === "cancelled") return failure("NOT_SCHEDULED", "This consultation was cancelled");
  const now = services.now();
  if (now.getTime() < session.startsAt.getTime()) {
    return failure("CONSULTATION_NOT_HELD", "The outcome can be recorded once the consultation has started", "outcome");
  }
  const settings = await loadJourneySettings(services.db);
  if (outcome === "enrol") {
    const intake = await findIntake(services.db, session.patientId);
    if (intake) {
      const eligibility = assessEligibility(intake, todayIn(intake.timeZone, now), eligibilitySettingsOf(settings));
      if (eligibility.status === "not_for_online") return failure("NOT_ELIGIBLE", eligibility.message, "outcome");
    }
  }

  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const already = await trx.selectFrom("consultationOutcome").select("sessionId").where("sessionId", "=", sessionId).executeTakeFirst();
      if (already) throw new DomainError("ALREADY_RECORDED", "The outcome of this consultation is already recorded");
      const done = transition(initialProgramState(), { type: "consultation_completed" }, programSettingsOf(settings));
      const state = transition(done, { type: "consultation_outcome", outcome }, programSettingsOf(settings));
      await trx.updateTable("clinicalSession").set({ status: "completed", updatedAt: now }).where("id", "=", sessionId).execute();
      let programId: string | null = null;
      let planDueAt: Date | null = null;
      if (outcome === "enrol") {
        planDueAt = planProposalDueAt(now, settings.clinicTimeZone, { planProposalWorkingDays: settings.planProposalWorkingDays });
        const program = await trx
          .insertInto("program")
          .values({
            patientId: session.patientId,
            therapistId: session.therapistId,
            status: state.status,
            track: state.track,
            sessionsCompleted: state.sessionsCompleted,
            sessionsTotal: state.sessionsTotal,
            supportingSessionsCompleted: state.supportingSessionsCompleted,
            enrolledAt: now,
            planDueAt,
            updatedAt: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        programId = program.id;
      }
      await trx
        .insertInto("consultationOutcome")
        .values({ sessionId, outcome, reason, programId, recordedBy: actor.userId, recordedAt: now })
        .execute();
      if (outcome !== "enrol") await enqueueOutcomeMail(trx, sessionId, now);
      // The consultation's notes (outcome and reason): recorded with them, never their text.
      await audit(services, { actor, action: "session_notes.written", recordType: "consultation_outcome", recordId: sessionId, patientId: session.patientId }, trx);
      return { sessionId, outcome, programId, planDueAt } satisfies RecordedOutcome;
    }),
  ).catch((error: unknown) => {
    if (isUniqueViolation(error) && constraintOf(error) === "program_one_active_per_patient") {
      return failure("PROGRAM_ACTIVE", "This patient already has a program in progress", "outcome");
    }
    if (isUniqueViolation(error)) return failure("ALREADY_RECORDED", "The outcome of this consultation is already recorded");
    throw error;
  });
  if ("ok" in result && result.ok === false) return result;
  return ok(result as RecordedOutcome);
}

export interface ConsultationAwaitingOutcome {
  sessionId: string;
  patientId: string;
  patientName: string;
  therapistName: string;
  startsAt: ZonedTime;
}

/**
 * Consultations that have started and have no outcome yet, oldest first: the therapist's own (an admin
 * sees every therapist's), each time in the reader's zone. Cancelled ones are left out.
 */
export async function consultationsAwaitingOutcome(services: AppServices, actor: Actor): Promise<ConsultationAwaitingOutcome[]> {
  requireRole(actor, "therapist", "admin");
  const viewer = await loadUser(services.db, actor.userId);
  const rows = await services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as p", "p.id", "s.patientId")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .leftJoin("consultationOutcome as o", "o.sessionId", "s.id")
    .select(["s.id", "s.patientId", "p.name as patientName", "t.name as therapistName", "s.startsAt"])
    .where("s.kind", "=", "consultation")
    .where("s.status", "<>", "cancelled")
    .where("s.startsAt", "<=", services.now())
    .where("o.sessionId", "is", null)
    .$if(actor.role === "therapist", (q) => q.where("s.therapistId", "=", actor.userId))
    .orderBy("s.startsAt")
    .execute();
  return rows.map((r) => ({ sessionId: r.id, patientId: r.patientId, patientName: r.patientName, therapistName: r.therapistName, startsAt: zoned(r.startsAt, viewer.timeZone) }));
}

export interface MyConsultationOutcome {
  outcome: "not_suitable" | "clinic_visit";
  reason: string;
  recordedAt: Date;
  clinicContact: ClinicContact;
}

/**
 * The patient's latest consultation outcome when it was not enrolment and no program followed it: what
 * their home page tells them instead of offering a consultation again.
 */
export async function myConsultationOutcome(services: AppServices, actor: Actor): Promise<MyConsultationOutcome | null> {
  requireRole(actor, "patient");
  const latest = await services.db
    .selectFrom("consultationOutcome as o")
    .innerJoin("clinicalSession as s", "s.id", "o.sessionId")
    .select(["o.outcome", "o.reason", "o.recordedAt"])
    .where("s.patientId", "=", actor.userId)
    .orderBy("o.recordedAt", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!latest || latest.outcome === "enrol") return null;
  // A consultation booked after this outcome starts a fresh assessment.
  const later = await services.db
    .selectFrom("clinicalSession")
    .select("id")
    .where("patientId", "=", actor.userId)
    .where("kind", "=", "consultation")
    .where("status", "=", "scheduled")
    .where("createdAt", ">", latest.recordedAt)
    .executeTakeFirst();
  if (later) return null;
  const settings = await loadJourneySettings(services.db);
  return { outcome: latest.outcome, reason: latest.reason, recordedAt: latest.recordedAt, clinicContact: clinicContactOf(settings) };
}
