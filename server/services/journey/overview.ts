/**
 * Read models for the pages: a program at a glance (with the next step for the reader's role), a
 * person's own schedule, and the planner's calendar of all therapists. Times come as `ZonedTime`, each in
 * the reader's own zone: a patient in Auckland and a therapist in Sofia see the same `utc`, each their `local`.
 */
import { z } from "zod";
import { blockForSession } from "../../domain/journey/billing";
import { agreedDecision, nextStep, type ProgramDecision, type ProgramStatus } from "../../domain/journey/program-state";
import { formatWhen } from "../../mail/journey-templates";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import { assertCanSeePatient, forbidden, instantField, isUuid, type JourneyResult, loadUser, notFound, ok, parseInput, requireRole, SCHEDULING_ROLES, zoned, type ZonedTime } from "./common";
import { type InvoiceView, listInvoices } from "./payments";
import { programState } from "./planning";
import { billingSettingsOf, loadJourneySettings, programSettingsOf } from "./settings";

export interface ScheduleEntry {
  sessionId: string;
  kind: "consultation" | "program" | "conclusion" | "supporting";
  sequence: number | null;
  status: "scheduled" | "cancelled" | "completed";
  therapistId: string;
  therapistName: string;
  patientId: string;
  patientName: string;
  startsAt: ZonedTime;
  endsAt: ZonedTime;
}

const rangeSchema = z.object({
  from: instantField("Choose a start date").optional(),
  to: instantField("Choose an end date").optional(),
  therapistId: z.string().trim().optional(),
});

const DAY_MS = 24 * 60 * 60_000;

async function scheduleRows(services: AppServices, viewerTimeZone: string, filter: { from?: Date; to?: Date; therapistId?: string; patientId?: string; includeCancelled?: boolean }): Promise<ScheduleEntry[]> {
  let query = services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .innerJoin("user as p", "p.id", "s.patientId")
    .select(["s.id", "s.kind", "s.sequence", "s.status", "s.therapistId", "t.name as therapistName", "s.patientId", "p.name as patientName", "s.startsAt", "s.endsAt"])
    .$if(filter.to !== undefined, (q) => q.where("s.startsAt", "<", filter.to as Date))
    .$if(filter.from !== undefined, (q) => q.where("s.endsAt", ">", filter.from as Date));
  if (!filter.includeCancelled) query = query.where("s.status", "<>", "cancelled");
  if (filter.therapistId) query = query.where("s.therapistId", "=", filter.therapistId);
  if (filter.patientId) query = query.where("s.patientId", "=", filter.patientId);
  const rows = await query.orderBy("s.startsAt").execute();
  return rows.map((r) => ({
    sessionId: r.id,
    kind: r.kind,
    sequence: r.sequence,
    status: r.status,
    therapistId: r.therapistId,
    therapistName: r.therapistName,
    patientId: r.patientId,
    patientName: r.patientName,
    startsAt: zoned(r.startsAt, viewerTimeZone),
    endsAt: zoned(r.endsAt, viewerTimeZone),
  }));
}

function rangeOf(data: { from?: Date; to?: Date }, now: Date, defaultDays: number): { from: Date; to: Date } {
  const from = data.from ?? new Date(now.getTime() - DAY_MS);
  const to = data.to && data.to > from ? data.to : new Date(from.getTime() + defaultDays * DAY_MS);
  return { from, to };
}

/** A patient's or therapist's own appointments, in their own zone. */
export async function mySchedule(services: AppServices, actor: Actor, input: unknown = {}): Promise<JourneyResult<{ timeZone: string; sessions: ScheduleEntry[] }>> {
  if (actor.role !== "patient" && actor.role !== "therapist") forbidden();
  const parsed = parseInput(rangeSchema, input);
  if (!parsed.ok) return parsed.failure;
  const viewer = await loadUser(services.db, actor.userId);
  const range = rangeOf(parsed.data, services.now(), 120);
  const sessions = await scheduleRows(services, viewer.timeZone, {
    ...range,
    ...(actor.role === "patient" ? { patientId: actor.userId } : { therapistId: actor.userId }),
  });
  return ok({ timeZone: viewer.timeZone, sessions });
}

/** The planning desk's calendar of every therapist (optionally one), in the planner's zone. */
export async function plannerCalendar(services: AppServices, actor: Actor, input: unknown = {}): Promise<JourneyResult<{ timeZone: string; sessions: ScheduleEntry[] }>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(rangeSchema, input);
  if (!parsed.ok) return parsed.failure;
  const viewer = await loadUser(services.db, actor.userId);
  const range = rangeOf(parsed.data, services.now(), 14);
  const sessions = await scheduleRows(services, viewer.timeZone, { ...range, therapistId: parsed.data.therapistId || undefined });
  return ok({ timeZone: viewer.timeZone, sessions });
}

export interface ProgramOverview {
  programId: string;
  patientId: string;
  patientName: string;
  therapistId: string;
  therapistName: string;
  status: ProgramStatus;
  track: string;
  sessionsCompleted: number;
  sessionsTotal: number;
  planDueAt: ZonedTime | null;
  planOverdue: boolean;
  /** What the reader should do next, in plain words for their role. */
  nextStep: string;
  /** What the therapist and patient agreed at the conclusion session; null until then. */
  decision: ProgramDecision | null;
  sessions: (ScheduleEntry & { block: number | null; blockPaid: boolean | null })[];
  invoices: InvoiceView[];
  openPlan: { planId: string; sessions: { position: number; sequence: number; startsAt: ZonedTime; deviationReason: string | null }[] } | null;
  welcomePackage: { shippedOn: string; carrier: string; trackingNumber: string } | null;
}

const overviewSchema = z.object({ programId: z.string().trim().optional() });

/**
 * One program as its reader may see it: the patient their own (latest when no id is given), the therapist
 * their patients', the planning desk any. Null when the patient has no program yet.
 */
export async function programOverview(services: AppServices, actor: Actor, input: unknown = {}): Promise<ProgramOverview | null> {
  const parsed = overviewSchema.safeParse(input ?? {});
  const programId = parsed.success ? parsed.data.programId : undefined;
  let query = services.db
    .selectFrom("program as pr")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .innerJoin("user as t", "t.id", "pr.therapistId")
    .selectAll("pr")
    .select(["p.name as patientName", "t.name as therapistName"]);
  if (programId) {
    if (!isUuid(programId)) notFound("Program");
    query = query.where("pr.id", "=", programId);
  } else if (actor.role === "patient") {
    query = query.where("pr.patientId", "=", actor.userId).orderBy("pr.createdAt", "desc").limit(1);
  } else {
    notFound("Program");
  }
  const program = await query.executeTakeFirst();
  if (!program) {
    if (programId) notFound("Program");
    return null;
  }
  // For a therapist it is their program, not merely a patient they once saw.
  if (actor.role === "therapist" && program.therapistId !== actor.userId) notFound("Program");
  if (actor.role !== "therapist") await assertCanSeePatient(services.db, actor, program.patientId).catch(() => notFound("Program"));

  const viewer = await loadUser(services.db, actor.userId);
  const settings = await loadJourneySettings(services.db);
  const now = services.now();
  const sessions = await scheduleRows(services, viewer.timeZone, { patientId: program.patientId });
  const invoices = await listInvoices(services, viewer.timeZone, { patientId: program.patientId });
  const paidBlocks = new Set(invoices.filter((i) => i.kind === "block" && i.status === "paid" && i.block !== null).map((i) => i.block as number));
  const billing = billingSettingsOf(settings);
  const withBlocks = sessions.map((s) => {
    const block = s.kind === "program" && s.sequence ? blockForSession(s.sequence, billing) : null;
    return { ...s, block, blockPaid: block === null ? null : paidBlocks.has(block) };
  });
  const next = withBlocks.find((s) => s.status === "scheduled" && new Date(s.endsAt.utc) > now);
  const plan = await services.db.selectFrom("sessionPlan").select(["id"]).where("programId", "=", program.id).where("status", "=", "sent").executeTakeFirst();
  const planItems = plan ? await services.db.selectFrom("sessionPlanItem").selectAll().where("planId", "=", plan.id).orderBy("position").execute() : [];
  const welcome = await services.db.selectFrom("welcomePackage").select(["shippedOn", "carrier", "trackingNumber"]).where("programId", "=", program.id).executeTakeFirst();
  const state = programState(program);
  const steps = nextStep(state, {
    planDueBy: program.planDueAt ? formatWhen(program.planDueAt, viewer.timeZone) : undefined,
    nextSessionAt: next ? formatWhen(new Date(next.startsAt.utc), viewer.timeZone) : undefined,
    unpaidBlock: next && next.block !== null && !next.blockPaid ? next.block : undefined,
  });
  const role = actor.role === "patient" ? "patient" : actor.role === "therapist" ? "therapist" : "planner";
  // The program with its sessions, decision and invoices: one read.
  await audit(services, { actor, action: "program.read", recordType: "program", recordId: program.id, patientId: program.patientId });
  return {
    programId: program.id,
    patientId: program.patientId,
    patientName: program.patientName,
    therapistId: program.therapistId,
    therapistName: program.therapistName,
    status: state.status,
    track: state.track,
    sessionsCompleted: state.sessionsCompleted,
    sessionsTotal: state.sessionsTotal,
    planDueAt: program.planDueAt ? zoned(program.planDueAt, viewer.timeZone) : null,
    planOverdue: state.status === "awaiting_plan" && program.planDueAt !== null && program.planDueAt < now,
    nextStep: steps[role],
    decision: agreedDecision(state, sessions.some((s) => s.kind === "conclusion" && s.status === "completed"), programSettingsOf(settings)),
    sessions: withBlocks,
    invoices,
    openPlan: plan
      ? {
          planId: plan.id,
          sessions: planItems.map((i) => ({ position: i.position, sequence: i.sequence, startsAt: zoned(i.startsAt, viewer.timeZone), deviationReason: i.deviationReason })),
        }
      : null,
    welcomePackage: welcome ?? null,
  };
}
