/**
 * How a running program moves on after its sessions: a held program session is counted (after the last
 * one of module 1 the program waits for its conclusion session), the planning desk books the free
 * 30-minute conclusion, its end asks the therapist for a decision, and the decision (module 2, 3 or 6
 * more sessions, clinic visit, finish) is recorded. Every status change goes through the pure state
 * machine in `server/domain/journey/program-state.ts`.
 */
import { z } from "zod";
import { isExclusionViolation } from "../../../db/client";
import { assertSlotBookable } from "../../domain/journey/availability";
import { DomainError, isDomainError } from "../../domain/domain-error";
import { ALLOWED_EVENTS, FINAL_STATUSES, nextStep, type ProgramDecision, type ProgramState, type ProgramStatus, transition } from "../../domain/journey/program-state";
import { planProposalDueAt } from "../../domain/journey/working-days";
import { audit, auditPatientList } from "../audit";
import type { Actor, AppServices } from "../context";
import { failure, idField, instantField, type JourneyResult, noticeMessage, notFound, ok, parseInput, refusalsAsResults, requireRole, SCHEDULING_ROLES } from "./common";
import { busyRanges, insertSession, sessionEnd } from "../sessions/schedule";
import { loadAvailability } from "./availability";
import { programState } from "./planning";
import { loadJourneySettings, programSettingsOf } from "./settings";


export interface SessionCompletion {
  programId: string | null;
  /** The program's status afterwards (null when the session belongs to no program). */
  status: ProgramStatus | null;
  /** False when nothing changed: not a program or conclusion session, not completed, or already counted. */
  changed: boolean;
}

/**
 * Applies a held session to its program: a program session counts towards the track (the 6th of module 1
 * makes the conclusion due; the last of module 2 or an extension finishes the program), a conclusion
 * session asks for the decision, a supporting session after the end is counted. Idempotent: a second call for the same session changes nothing. Called
 * by the system when a call ends, so it takes no actor.
 */
export async function recordSessionCompleted(services: AppServices, sessionId: string): Promise<SessionCompletion> {
  const settings = programSettingsOf(await loadJourneySettings(services.db));
  const now = services.now();
  return services.db.transaction().execute(async (trx) => {
    const session = await trx
      .selectFrom("clinicalSession")
      .select(["id", "kind", "status", "programId"])
      .where("id", "=", sessionId)
      .executeTakeFirst();
    if (!session || !session.programId) return { programId: null, status: null, changed: false };
    const program = await trx.selectFrom("program").selectAll().where("id", "=", session.programId).forUpdate().executeTakeFirstOrThrow();
    const state = programState(program);
    const unchanged = { programId: program.id, status: state.status, changed: false };
    if (session.status !== "completed") return unchanged;
    let next: ProgramState | null = null;
    if (session.kind === "program") {
      // The program counts sessions held, not sequence numbers: a missed session 2 does not stop
      // session 3 from counting, and a second call finds nothing new to count.
      const held = await trx
        .selectFrom("clinicalSession")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("programId", "=", program.id)
        .where("kind", "=", "program")
        .where("status", "=", "completed")
        .executeTakeFirstOrThrow();
      let counted = state;
      while (counted.sessionsCompleted < Number(held.n) && ALLOWED_EVENTS[counted.status].includes("session_completed")) {
        counted = transition(counted, { type: "session_completed", sessionNumber: counted.sessionsCompleted + 1 }, settings);
      }
      if (counted !== state) next = counted;
    } else if (session.kind === "supporting") {
      const held = await trx
        .selectFrom("clinicalSession")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("programId", "=", program.id)
        .where("kind", "=", "supporting")
        .where("status", "=", "completed")
        .executeTakeFirstOrThrow();
      let counted = state;
      while (counted.supportingSessionsCompleted < Number(held.n) && ALLOWED_EVENTS[counted.status].includes("supporting_session_completed")) {
        counted = transition(counted, { type: "supporting_session_completed" }, settings);
      }
      if (counted !== state) next = counted;
    } else if (session.kind === "conclusion" && state.status === "conclusion_planned") {
      next = transition(state, { type: "conclusion_completed" }, settings);
    }
    if (!next) return unchanged;
    await trx
      .updateTable("program")
      .set({ status: next.status, sessionsCompleted: next.sessionsCompleted, supportingSessionsCompleted: next.supportingSessionsCompleted, updatedAt: now })
      .where("id", "=", program.id)
      .execute();
    services.logger.info({ event: "program.session_counted", programId: program.id, sessionId, status: next.status }, "program advanced");
    return { programId: program.id, status: next.status, changed: true };
  });
}

const conclusionSchema = z.object({
  programId: idField("Choose the program"),
  startsAt: instantField("Choose a date and time"),
});

export interface PlannedConclusion {
  sessionId: string;
  programId: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The planning desk books the complimentary conclusion session (30 minutes, EUR 0, no invoice) in the
 * therapist's hours. A clash answers on the `startsAt` field and books nothing; the database's exclusion
 * constraint settles a race.
 */
export async function planConclusionSession(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<PlannedConclusion>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(conclusionSchema, input);
  if (!parsed.ok) return parsed.failure;
  const program = await services.db.selectFrom("program").selectAll().where("id", "=", parsed.data.programId).executeTakeFirst();
  if (!program) notFound("Program");
  if (program.status !== "conclusion_due") return failure("TRANSITION_NOT_ALLOWED", "This program is not waiting for a conclusion session", "startsAt");
  const settings = await loadJourneySettings(services.db);
  const rules = await loadAvailability(services.db, program.therapistId);
  if (!rules) return failure("NOT_BOOKABLE", "The therapist has no working hours set yet", "startsAt");
  const now = services.now();
  const startsAt = parsed.data.startsAt;
  const endsAt = sessionEnd("conclusion", startsAt, settings);
  const result = await refusalsAsResults(async () => {
    const busy = await busyRanges(services.db, { therapistId: program.therapistId }, startsAt, endsAt);
    try {
      assertSlotBookable({ ...rules, start: startsAt, end: endsAt, busy, now, minNoticeMinutes: settings.minNoticeMinutes });
    } catch (error) {
      if (isDomainError(error) && error.code === "SLOT_TOO_SOON") throw new DomainError("SLOT_TOO_SOON", noticeMessage(settings.minNoticeMinutes), "startsAt");
      throw error;
    }
    const patientBusy = await busyRanges(services.db, { patientId: program.patientId }, startsAt, endsAt);
    if (patientBusy.length > 0) throw new DomainError("PATIENT_BUSY", "The patient already has an appointment at that time", "startsAt");
    return services.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("program").selectAll().where("id", "=", program.id).forUpdate().executeTakeFirstOrThrow();
      const next = transition(programState(current), { type: "conclusion_scheduled" }, programSettingsOf(settings));
      const session = await insertSession(
        trx,
        settings,
        { kind: "conclusion", therapistId: program.therapistId, patientId: program.patientId, programId: program.id, startsAt, createdBy: actor.userId, mail: true },
        now,
      );
      await trx.updateTable("program").set({ status: next.status, updatedAt: now }).where("id", "=", program.id).execute();
      await audit(services, { actor, action: "conclusion.planned", recordType: "clinical_session", recordId: session.id, patientId: program.patientId }, trx);
      return { sessionId: session.id, programId: program.id, startsAt, endsAt } satisfies PlannedConclusion;
    });
  }).catch((error: unknown) => {
    if (isExclusionViolation(error)) return failure("SLOT_TAKEN", "This time was just taken; choose another", "startsAt");
    throw error;
  });
  if ("ok" in result && result.ok === false) return result;
  return ok(result as PlannedConclusion);
}

const decisionSchema = z.object({
  programId: idField("Choose the program"),
  decision: z.enum(["module2", "extend3", "extend6", "clinic_visit", "finish"], { message: "Choose what happens next" }),
});

export interface RecordedDecision {
  programId: string;
  decision: ProgramDecision;
  status: ProgramStatus;
  sessionsToPlan: number;
  planDueAt: Date | null;
}

/**
 * The therapist records what was agreed at the conclusion session. Module 2 and the extensions put the
 * patient back in the planner's queue (due one working week later); a clinic visit or finishing closes
 * the online program. Only the program's therapist (or an admin) decides; in any other state than
 * "decision pending" nothing is stored.
 */
export async function recordProgramDecision(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<RecordedDecision>> {
  const parsed = parseInput(decisionSchema, input);
  if (!parsed.ok) return parsed.failure;
  const program = await services.db.selectFrom("program").select(["id", "therapistId"]).where("id", "=", parsed.data.programId).executeTakeFirst();
  if (!program) notFound("Program");
  // For anyone but the program's therapist (or an admin) the program does not exist.
  if (!(actor.role === "admin" || (actor.role === "therapist" && actor.userId === program.therapistId))) notFound("Program");
  const settings = await loadJourneySettings(services.db);
  const now = services.now();
  const { decision } = parsed.data;
  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("program").selectAll().where("id", "=", program.id).forUpdate().executeTakeFirstOrThrow();
      const state = programState(current);
      if (state.status !== "decision_pending") {
        throw new DomainError("TRANSITION_NOT_ALLOWED", "A decision can be recorded once the conclusion session has taken place, and only once", "decision");
      }
      const next = transition(state, { type: "decision", decision }, programSettingsOf(settings));
      const planDueAt = next.status === "awaiting_plan" ? planProposalDueAt(now, settings.clinicTimeZone, { planProposalWorkingDays: settings.planProposalWorkingDays }) : null;
      await trx
        .updateTable("program")
        .set({ status: next.status, track: next.track, sessionsTotal: next.sessionsTotal, planDueAt, updatedAt: now })
        .where("id", "=", program.id)
        .execute();
      await audit(services, { actor, action: "program_decision.recorded", recordType: "program", recordId: program.id, patientId: current.patientId }, trx);
      return { programId: program.id, decision, status: next.status, sessionsToPlan: next.sessionsTotal - next.sessionsCompleted, planDueAt } satisfies RecordedDecision;
    }),
  );
  if ("ok" in result && result.ok === false) return result;
  services.logger.info({ event: "program.decision", programId: program.id, decision }, "program decision recorded");
  return ok(result as RecordedDecision);
}

export interface ProgramAwaitingDecision {
  programId: string;
  patientId: string;
  patientName: string;
  sessionsCompleted: number;
}

/** Programs whose conclusion session has been held and whose decision is not recorded: the therapist's own (an admin sees all). */
export async function programsAwaitingDecision(services: AppServices, actor: Actor): Promise<ProgramAwaitingDecision[]> {
  requireRole(actor, "therapist", "admin");
  const rows = await services.db
    .selectFrom("program as pr")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .select(["pr.id", "pr.patientId", "p.name as patientName", "pr.sessionsCompleted"])
    .where("pr.status", "=", "decision_pending")
    .$if(actor.role === "therapist", (q) => q.where("pr.therapistId", "=", actor.userId))
    .orderBy("pr.updatedAt")
    .execute();
  return rows.map((r) => ({ programId: r.id, patientId: r.patientId, patientName: r.patientName, sessionsCompleted: r.sessionsCompleted }));
}

export interface TherapistProgram {
  programId: string;
  patientId: string;
  patientName: string;
  status: ProgramStatus;
  sessionsCompleted: number;
  sessionsTotal: number;
  /** What the therapist should do next, in plain words. */
  nextStep: string;
}

/** The therapist's own programs with their state and the therapist's next step, live ones first. */
export async function therapistPrograms(services: AppServices, actor: Actor): Promise<TherapistProgram[]> {
  requireRole(actor, "therapist");
  const rows = await services.db
    .selectFrom("program as pr")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .selectAll("pr")
    .select("p.name as patientName")
    .where("pr.therapistId", "=", actor.userId)
    .orderBy("pr.updatedAt", "desc")
    .execute();
  await auditPatientList(services, { actor, action: "program.list_read", recordType: "program_list" }, rows.map((r) => r.patientId));
  return rows
    .map((r) => {
      const state = programState(r);
      return {
        programId: r.id,
        patientId: r.patientId,
        patientName: r.patientName,
        status: state.status,
        sessionsCompleted: state.sessionsCompleted,
        sessionsTotal: state.sessionsTotal,
        nextStep: nextStep(state).therapist,
      };
    })
    .sort((a, b) => Number(FINAL_STATUSES.includes(a.status)) - Number(FINAL_STATUSES.includes(b.status)));
}
