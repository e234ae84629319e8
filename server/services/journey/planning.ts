/**
 * Session planning: the planner's queue, a suggested plan (pure `proposeSessionPlan`), sending the
 * planner's (possibly adjusted) dates, and the patient's answer. Dates that break the 28–35-day rule are
 * kept only with a reason (pure `validateProposal`); every date must lie in the therapist's hours.
 * Accepting books the sessions under the same exclusion constraint as consultations and raises the
 * invoices of their payment blocks.
 */
import { z } from "zod";
import { isExclusionViolation } from "../../../db/client";
import { assertSlotBookable, type TimeRange } from "../../domain/journey/availability";
import { billingBlocks } from "../../domain/journey/billing";
import { startOfLocalDay } from "../../domain/journey/zoned-time";
import { DomainError, type FieldError, isDomainError } from "../../domain/domain-error";
import { assessEligibility } from "../../domain/journey/eligibility";
import { type ProgramState, type ProgramStatus, transition, type Track } from "../../domain/journey/program-state";
import { proposeSessionPlan as planSessionDates, sessionStartField, validateProposal } from "../../domain/journey/session-intervals";
import { addWorkingDays } from "../../domain/journey/working-days";
import { todayIn } from "../../domain/journey/zoned-time";
import type { Transaction } from "kysely";
import type { Database, Program } from "../../../db/schema";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import {
  failure,
  forbidden,
  fromFieldErrors,
  idField,
  instantField,
  type JourneyResult,
  loadUser,
  notFound,
  noticeMessage,
  ok,
  parseInput,
  type Queryable,
  refusalsAsResults,
  requireRole,
  SCHEDULING_ROLES,
  zoned,
  type ZonedTime,
} from "./common";
import { busyRanges, insertSession } from "../sessions/schedule";
import { findIntake } from "./intake";
import { loadAvailability } from "./availability";
import { enqueuePlanMail, scheduleInvoiceReminder } from "./notifications";
import { billingSettingsOf, eligibilitySettingsOf, type JourneySettings, loadJourneySettings, planSettingsOf, programSettingsOf } from "./settings";

const DAY_MS = 24 * 60 * 60_000;
const MINUTE_MS = 60_000;

export function programState(program: Pick<Program, "status" | "track" | "sessionsCompleted" | "sessionsTotal" | "supportingSessionsCompleted">): ProgramState {
  return {
    status: program.status as ProgramStatus,
    track: program.track as Track,
    sessionsCompleted: program.sessionsCompleted,
    sessionsTotal: program.sessionsTotal,
    supportingSessionsCompleted: program.supportingSessionsCompleted,
  };
}

export interface QueueEntry {
  programId: string;
  patientId: string;
  patientName: string;
  patientTimeZone: string;
  therapistId: string;
  therapistName: string;
  status: ProgramStatus;
  track: Track;
  sessionsToPlan: number;
  planDueAt: ZonedTime | null;
  overdue: boolean;
  /** The patient's message when they asked for other dates. */
  changeRequest: string | null;
}

/** Programs waiting for dates or a conclusion session (by due date), then those waiting for the patient. */
export async function plannerQueue(services: AppServices, actor: Actor): Promise<QueueEntry[]> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const viewer = await loadUser(services.db, actor.userId);
  const now = services.now();
  const rows = await services.db
    .selectFrom("program as pr")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .innerJoin("user as t", "t.id", "pr.therapistId")
    .select([
      "pr.id",
      "pr.patientId",
      "p.name as patientName",
      "p.timeZone as patientTimeZone",
      "pr.therapistId",
      "t.name as therapistName",
      "pr.status",
      "pr.track",
      "pr.sessionsCompleted",
      "pr.sessionsTotal",
      "pr.planDueAt",
      (eb) =>
        eb
          .selectFrom("sessionPlan as sp")
          .select("sp.patientMessage")
          .whereRef("sp.programId", "=", "pr.id")
          .where("sp.status", "=", "changes_requested")
          .orderBy("sp.respondedAt", "desc")
          .limit(1)
          .as("changeRequest"),
    ])
    .where("pr.status", "in", ["awaiting_plan", "plan_proposed", "conclusion_due"])
    .execute();
  return rows
    .map((r) => ({
      programId: r.id,
      patientId: r.patientId,
      patientName: r.patientName,
      patientTimeZone: r.patientTimeZone,
      therapistId: r.therapistId,
      therapistName: r.therapistName,
      status: r.status as ProgramStatus,
      track: r.track,
      // The conclusion is one complimentary session, planned on its own.
      sessionsToPlan: r.status === "conclusion_due" ? 1 : r.sessionsTotal - r.sessionsCompleted,
      planDueAt: r.planDueAt ? zoned(r.planDueAt, viewer.timeZone) : null,
      overdue: r.status === "awaiting_plan" && r.planDueAt !== null && r.planDueAt.getTime() < now.getTime(),
      changeRequest: r.status === "awaiting_plan" ? (r.changeRequest ?? null) : null,
    }))
    .sort((a, b) => {
      // Waiting for the planner first; proposals waiting for the patient last.
      if ((a.status === "plan_proposed") !== (b.status === "plan_proposed")) return a.status === "plan_proposed" ? 1 : -1;
      return (a.planDueAt?.utc ?? "").localeCompare(b.planDueAt?.utc ?? "");
    });
}

async function loadProgramForPlanning(db: Queryable, programId: string) {
  const program = await db.selectFrom("program").selectAll().where("id", "=", programId).executeTakeFirst();
  if (!program) notFound("Program");
  return program;
}

/** Earliest start for the first session: after the booking notice, and not before the patient's eligibility date. */
async function firstEarliest(db: Queryable, settings: JourneySettings, patientId: string, now: Date): Promise<Date> {
  let earliest = new Date(now.getTime() + settings.minNoticeMinutes * MINUTE_MS);
  const intake = await findIntake(db, patientId);
  if (intake) {
    const eligibility = assessEligibility(intake, todayIn(intake.timeZone, now), eligibilitySettingsOf(settings));
    if (eligibility.status === "not_yet") {
      const from = startOfLocalDay(eligibility.eligibleFrom, intake.timeZone);
      if (from > earliest) earliest = from;
    }
  }
  return earliest;
}

async function lastProgramSessionStart(db: Queryable, programId: string): Promise<Date | undefined> {
  const last = await db
    .selectFrom("clinicalSession")
    .select("startsAt")
    .where("programId", "=", programId)
    .where("kind", "=", "program")
    .where("status", "<>", "cancelled")
    .orderBy("startsAt", "desc")
    .limit(1)
    .executeTakeFirst();
  return last?.startsAt;
}

export interface ProposedSession {
  position: number;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  /** As the planner, the patient and the therapist each read it. */
  viewer: ZonedTime;
  patient: ZonedTime;
  therapist: ZonedTime;
}

const programIdSchema = z.object({ programId: idField("Choose the program") });

/**
 * A suggested plan for the planner to adjust: N sessions 28–35 days apart in the therapist's hours,
 * preferring the patient's time of day. Nothing is stored; `sendProposal` stores what the planner sends.
 */
export async function proposeSessionPlan(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<{ sessions: ProposedSession[] }>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(programIdSchema, input);
  if (!parsed.ok) return parsed.failure;
  const program = await loadProgramForPlanning(services.db, parsed.data.programId);
  if (program.status !== "awaiting_plan" && program.status !== "plan_proposed") {
    return failure("TRANSITION_NOT_ALLOWED", "This program is not waiting for dates");
  }
  const settings = await loadJourneySettings(services.db);
  const rules = await loadAvailability(services.db, program.therapistId);
  if (!rules) return failure("NO_PLAN_FOUND", "The therapist has no working hours set yet", "sessions");
  const [viewer, patient] = await Promise.all([loadUser(services.db, actor.userId), loadUser(services.db, program.patientId)]);
  const intake = await findIntake(services.db, program.patientId);
  const now = services.now();
  const count = program.sessionsTotal - program.sessionsCompleted;
  const earliest = await firstEarliest(services.db, settings, program.patientId, now);
  const horizon = new Date(earliest.getTime() + (settings.firstSessionSearchDays + count * settings.maxDaysBetweenSessions + 2) * DAY_MS);
  const busy = [
    ...(await busyRanges(services.db, { therapistId: program.therapistId }, now, horizon)),
    ...(await busyRanges(services.db, { patientId: program.patientId }, now, horizon)),
  ];
  const result = await refusalsAsResults(async () =>
    planSessionDates({
      ...rules,
      count,
      firstEarliest: earliest,
      previousSessionAt: await lastProgramSessionStart(services.db, program.id),
      durationMinutes: settings.sessionMinutes,
      stepMinutes: settings.slotStepMinutes,
      busy,
      minNoticeMinutes: settings.minNoticeMinutes,
      now,
      preferredTimeOfDay: intake?.preferredTimeOfDay ?? undefined,
      patientTimeZone: patient.timeZone,
      settings: planSettingsOf(settings),
    }),
  );
  if (!Array.isArray(result)) return result;
  // The suggestion reads the patient's intake (their preferred time of day).
  await audit(services, { actor, action: "session_plan.suggested", recordType: "program", recordId: program.id, patientId: program.patientId });
  return ok({
    sessions: result.map((startsAt, position) => ({
      position,
      sequence: program.sessionsCompleted + position + 1,
      startsAt,
      endsAt: new Date(startsAt.getTime() + settings.sessionMinutes * MINUTE_MS),
      viewer: zoned(startsAt, viewer.timeZone),
      patient: zoned(startsAt, patient.timeZone),
      therapist: zoned(startsAt, rules.timeZone),
    })),
  });
}

const sendSchema = z.object({
  programId: idField("Choose the program"),
  sessions: z
    .array(
      z.object({
        startsAt: instantField("Choose a date and time"),
        reason: z.string().trim().max(1000, "Keep the reason under 1000 characters").optional(),
      }),
      { message: "Add the session dates" },
    )
    .min(1, "Add the session dates"),
});

export interface SentProposal {
  planId: string;
  programId: string;
  sessions: { position: number; sequence: number; startsAt: Date; endsAt: Date; deviationReason: string | null }[];
}

/**
 * The planner sends dates to the patient (again, to revise an unanswered proposal). Refused per field
 * when a date breaks the interval rule without a reason, falls outside the therapist's hours, clashes
 * with another appointment, or is too soon. Nothing is stored on refusal.
 */
export async function sendProposal(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<SentProposal>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(sendSchema, input);
  if (!parsed.ok) return parsed.failure;
  const program = await loadProgramForPlanning(services.db, parsed.data.programId);
  const settings = await loadJourneySettings(services.db);
  const state = programState(program);
  const count = program.sessionsTotal - program.sessionsCompleted;
  if (parsed.data.sessions.length !== count) {
    return failure("WRONG_COUNT", `Propose exactly ${count} session dates`, "sessions");
  }
  const rules = await loadAvailability(services.db, program.therapistId);
  if (!rules) return failure("NOT_BOOKABLE", "The therapist has no working hours set yet", "sessions");
  const dates = parsed.data.sessions.map((s) => s.startsAt);
  const reasons: Record<number, string> = {};
  parsed.data.sessions.forEach((s, i) => {
    if (s.reason) reasons[i] = s.reason;
  });
  const validation = validateProposal(dates, { reasons }, planSettingsOf(settings), rules.timeZone);
  const errors: FieldError[] = validation.ok ? [] : [...validation.errors];
  const now = services.now();
  const sessions = dates.map((startsAt) => ({ startsAt, endsAt: new Date(startsAt.getTime() + settings.sessionMinutes * MINUTE_MS) }));
  const horizonEnd = new Date(Math.max(...sessions.map((s) => s.endsAt.getTime())) + DAY_MS);
  const therapistBusy = await busyRanges(services.db, { therapistId: program.therapistId }, now, horizonEnd);
  const patientBusy = await busyRanges(services.db, { patientId: program.patientId }, now, horizonEnd);
  sessions.forEach((s, i) => {
    const field = sessionStartField(i);
    if (errors.some((e) => e.field === field)) return;
    try {
      assertSlotBookable({ ...rules, start: s.startsAt, end: s.endsAt, busy: therapistBusy, now, minNoticeMinutes: settings.minNoticeMinutes });
      if (patientBusy.some((b) => overlaps(b, s))) throw new DomainError("PATIENT_BUSY", "The patient already has an appointment at that time", field);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const message = error.code === "SLOT_TOO_SOON" ? noticeMessage(settings.minNoticeMinutes) : error.message;
      errors.push({ field, code: error.code, message: `Session ${i + 1}: ${message}` });
    }
  });
  if (errors.length > 0) return fromFieldErrors(errors);
  const deviations = validation.ok ? validation.deviations : [];

  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("program").selectAll().where("id", "=", program.id).forUpdate().executeTakeFirstOrThrow();
      const next = transition(programState(current), { type: "plan_sent" }, programSettingsOf(settings));
      await trx.updateTable("sessionPlan").set({ status: "superseded" }).where("programId", "=", program.id).where("status", "=", "sent").execute();
      const plan = await trx
        .insertInto("sessionPlan")
        .values({ programId: program.id, track: state.track, status: "sent", proposedBy: actor.userId, sentAt: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      const items = sessions.map((s, position) => {
        const deviation = deviations.find((d) => d.index === position);
        return {
          planId: plan.id,
          position,
          sequence: current.sessionsCompleted + position + 1,
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          deviationCode: deviation?.code ?? null,
          deviationReason: deviation?.reason ?? null,
        };
      });
      await trx.insertInto("sessionPlanItem").values(items).execute();
      await trx.updateTable("program").set({ status: next.status, updatedAt: now }).where("id", "=", program.id).execute();
      await enqueuePlanMail(trx, plan.id, "proposed", now);
      await audit(services, { actor, action: "session_plan.sent", recordType: "session_plan", recordId: plan.id, patientId: current.patientId }, trx);
      return {
        planId: plan.id,
        programId: program.id,
        sessions: items.map((i) => ({ position: i.position, sequence: i.sequence, startsAt: i.startsAt, endsAt: i.endsAt, deviationReason: i.deviationReason })),
      } satisfies SentProposal;
    }),
  );
  if ("ok" in result && result.ok === false) return result;
  return ok(result as SentProposal);
}

function overlaps(a: TimeRange, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.start.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.end.getTime();
}

const planIdSchema = z.object({ planId: idField("Choose the proposal") });

async function loadOpenPlanForPatient(services: AppServices, actor: Actor, planId: string) {
  if (actor.role !== "patient") forbidden("Only the patient answers a proposal");
  const plan = await services.db
    .selectFrom("sessionPlan as sp")
    .innerJoin("program as pr", "pr.id", "sp.programId")
    .select(["sp.id", "sp.status", "sp.programId", "pr.patientId"])
    .where("sp.id", "=", planId)
    .executeTakeFirst();
  if (!plan || plan.patientId !== actor.userId) notFound("Proposal");
  return plan;
}

export interface AcceptedPlan {
  planId: string;
  programId: string;
  sessions: { id: string; sequence: number; startsAt: Date; endsAt: Date }[];
  invoices: { id: string; block: number; amountCents: number; currency: string; dueAt: Date | null }[];
}

/** Locks the plan's program and checks, inside the transaction, that the plan is still the one on offer. */
async function lockProgramWithOpenPlan(trx: Transaction<Database>, plan: { id: string; programId: string }) {
  const program = await trx.selectFrom("program").selectAll().where("id", "=", plan.programId).forUpdate().executeTakeFirstOrThrow();
  const currentPlan = await trx.selectFrom("sessionPlan").select("status").where("id", "=", plan.id).executeTakeFirstOrThrow();
  if (currentPlan.status !== "sent") throw new DomainError("PLAN_NOT_OPEN", "These dates are no longer on offer; see the latest proposal");
  return program;
}

/**
 * The patient accepts the proposed dates: the sessions are booked (a date taken meanwhile answers
 * SLOT_TAKEN on that session's field and books nothing), the invoices of their blocks are raised, and the
 * program moves on through the state machine.
 */
export async function acceptProposal(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<AcceptedPlan>> {
  const parsed = parseInput(planIdSchema, input);
  if (!parsed.ok) return parsed.failure;
  const plan = await loadOpenPlanForPatient(services, actor, parsed.data.planId);
  const settings = await loadJourneySettings(services.db);
  const now = services.now();
  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const program = await lockProgramWithOpenPlan(trx, plan);
      const next = transition(programState(program), { type: "plan_accepted" }, programSettingsOf(settings));
      const items = await trx.selectFrom("sessionPlanItem").selectAll().where("planId", "=", plan.id).orderBy("position").execute();
      for (const item of items) {
        const field = sessionStartField(item.position);
        if (item.startsAt.getTime() <= now.getTime()) {
          throw new DomainError("PLAN_EXPIRED", `Session ${item.position + 1} would already have started; ask the planning desk for new dates`, field);
        }
        const clash = await busyRanges(trx, { therapistId: program.therapistId, patientId: program.patientId }, item.startsAt, item.endsAt);
        if (clash.length > 0) throw new DomainError("SLOT_TAKEN", `The time of session ${item.position + 1} was just taken; ask the planning desk for new dates`, field);
      }
      const sessions: AcceptedPlan["sessions"] = [];
      for (const item of items) {
        const session = await insertSession(
          trx,
          settings,
          {
            kind: "program",
            therapistId: program.therapistId,
            patientId: program.patientId,
            programId: program.id,
            sequence: item.sequence,
            startsAt: item.startsAt,
            endsAt: item.endsAt,
            createdBy: actor.userId,
            // One e-mail for the whole plan (below) instead of one per session.
            mail: false,
          },
          now,
        );
        sessions.push({ id: session.id, sequence: item.sequence, startsAt: item.startsAt, endsAt: item.endsAt });
      }
      const invoices: AcceptedPlan["invoices"] = [];
      const blocks = billingBlocks(
        items.map((i) => ({ number: i.sequence, startsAt: i.startsAt })),
        billingSettingsOf(settings),
        settings.clinicTimeZone,
      );
      for (const block of blocks) {
        const existing = await trx
          .selectFrom("invoice")
          .select("id")
          .where("programId", "=", program.id)
          .where("block", "=", block.block)
          .where("status", "<>", "void")
          .executeTakeFirst();
        if (existing) continue;
        const invoice = await trx
          .insertInto("invoice")
          .values({
            patientId: program.patientId,
            kind: "block",
            sessionId: null,
            programId: program.id,
            block: block.block,
            amountCents: block.amountCents,
            currency: block.currency,
            dueAt: block.dueAt,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        invoices.push({ id: invoice.id, block: block.block, amountCents: block.amountCents, currency: block.currency, dueAt: block.dueAt });
        await scheduleInvoiceReminder(trx, { id: invoice.id, dueAt: block.dueAt }, settings, now);
      }
      await trx.updateTable("sessionPlan").set({ status: "accepted", respondedAt: now }).where("id", "=", plan.id).execute();
      await trx.updateTable("program").set({ status: next.status, planDueAt: null, updatedAt: now }).where("id", "=", program.id).execute();
      await enqueuePlanMail(trx, plan.id, "accepted", now);
      await audit(services, { actor, action: "session_plan.accepted", recordType: "session_plan", recordId: plan.id, patientId: program.patientId }, trx);
      return { planId: plan.id, programId: program.id, sessions, invoices } satisfies AcceptedPlan;
    }),
  ).catch((error: unknown) => {
    if (isExclusionViolation(error)) {
      return failure("SLOT_TAKEN", "One of the proposed times was just taken; ask the planning desk for new dates", "sessions");
    }
    throw error;
  });
  if ("ok" in result && result.ok === false) return result;
  return ok(result as AcceptedPlan);
}

const changesSchema = z.object({
  planId: idField("Choose the proposal"),
  message: z.string({ message: "Tell the planning desk what would suit you better" }).trim().min(1, "Tell the planning desk what would suit you better").max(2000, "Keep the message under 2000 characters"),
});

/** The patient asks for other dates; the program returns to the planner's queue with a new due date. */
export async function requestProposalChanges(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<{ planId: string; planDueAt: Date }>> {
  const parsed = parseInput(changesSchema, input);
  if (!parsed.ok) return parsed.failure;
  const plan = await loadOpenPlanForPatient(services, actor, parsed.data.planId);
  const settings = await loadJourneySettings(services.db);
  const now = services.now();
  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const program = await lockProgramWithOpenPlan(trx, plan);
      const next = transition(programState(program), { type: "change_requested" }, programSettingsOf(settings));
      const planDueAt = addWorkingDays(now, settings.planRevisionWorkingDays, settings.clinicTimeZone);
      await trx.updateTable("sessionPlan").set({ status: "changes_requested", respondedAt: now, patientMessage: parsed.data.message }).where("id", "=", plan.id).execute();
      await trx.updateTable("program").set({ status: next.status, planDueAt, updatedAt: now }).where("id", "=", program.id).execute();
      await audit(services, { actor, action: "session_plan.changes_requested", recordType: "session_plan", recordId: plan.id, patientId: program.patientId }, trx);
      return { planId: plan.id, planDueAt };
    }),
  );
  if ("ok" in result && result.ok === false) return result;
  return ok(result as { planId: string; planDueAt: Date });
}
