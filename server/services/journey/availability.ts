/**
 * Therapist availability: weekly hours (wall clock in the therapist's zone) plus dated exceptions.
 * The therapist edits their own; a planner or admin may edit anyone's. Checking uses the pure
 * `validateAvailabilityRules`; the saved rules feed `openSlots` / `assertSlotBookable` / `proposeSessionPlan`.
 */
import { z } from "zod";
import { type AvailabilityException, type AvailabilityRules, isWithinAvailability, validateAvailabilityRules, type WeeklyHours } from "../../domain/journey/availability";
import { isIsoDate } from "../../domain/journey/calendar-date";
import type { Actor, AppServices } from "../context";
import { forbidden, fromFieldErrors, type JourneyResult, loadUser, notFound, ok, parseInput, type Queryable, SCHEDULING_ROLES } from "./common";

export interface TherapistAvailability extends AvailabilityRules {
  therapistId: string;
  offersConsultations: boolean;
  exceptions: (AvailabilityException & { id: string; note: string })[];
}

async function assertCanEditAvailability(db: Queryable, actor: Actor, therapistId: string): Promise<void> {
  if (!(SCHEDULING_ROLES.includes(actor.role) || (actor.role === "therapist" && actor.userId === therapistId))) {
    forbidden("Only the therapist or the planning desk can change these hours");
  }
  const therapist = await loadUser(db, therapistId);
  if (therapist.role !== "therapist") notFound("Therapist");
}

export async function loadAvailability(db: Queryable, therapistId: string): Promise<TherapistAvailability | null> {
  const schedule = await db.selectFrom("therapistSchedule").selectAll().where("therapistId", "=", therapistId).executeTakeFirst();
  if (!schedule) return null;
  const weekly = await db.selectFrom("availabilityWeekly").selectAll().where("therapistId", "=", therapistId).orderBy("weekday").orderBy("startTime").execute();
  const exceptions = await db.selectFrom("availabilityException").selectAll().where("therapistId", "=", therapistId).orderBy("date").execute();
  return {
    therapistId,
    timeZone: schedule.timeZone,
    offersConsultations: schedule.offersConsultations,
    weekly: weekly.map((w) => ({ weekday: w.weekday as WeeklyHours["weekday"], start: w.startTime, end: w.endTime })),
    exceptions: exceptions.map((e) => ({
      id: e.id,
      date: e.date,
      kind: e.kind,
      ...(e.startTime !== null ? { start: e.startTime } : {}),
      ...(e.endTime !== null ? { end: e.endTime } : {}),
      note: e.note,
    })),
  };
}

export async function getAvailability(services: AppServices, actor: Actor, therapistId: string): Promise<TherapistAvailability | null> {
  if (actor.role === "patient") forbidden();
  if (actor.role === "therapist" && actor.userId !== therapistId) forbidden();
  return loadAvailability(services.db, therapistId);
}

const weeklySchema = z.object({
  timeZone: z.string({ message: "Choose a time zone from the list" }),
  offersConsultations: z
    .union([z.boolean(), z.enum(["true", "false", "on", "off"])])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === true || v === "true" || v === "on")),
  weekly: z
    .array(
      z.object({
        weekday: z.coerce.number({ message: "Choose a day of the week" }).int("Choose a day of the week"),
        start: z.string({ message: "Enter a start time as HH:MM" }).trim(),
        end: z.string({ message: "Enter an end time as HH:MM" }).trim(),
      }),
    )
    .max(50, "At most 50 time windows"),
});

/** Future sessions that the new hours no longer cover: the page warns; they are not moved automatically. */
export interface AvailabilityConflict {
  sessionId: string;
  startsAt: Date;
  endsAt: Date;
}

/** Replaces the therapist's weekly hours (and zone) as a whole, as the settings form submits them. */
export async function setWeeklyAvailability(
  services: AppServices,
  actor: Actor,
  therapistId: string,
  input: unknown,
): Promise<JourneyResult<{ availability: TherapistAvailability; conflicts: AvailabilityConflict[] }>> {
  await assertCanEditAvailability(services.db, actor, therapistId);
  const parsed = parseInput(weeklySchema, input);
  if (!parsed.ok) return parsed.failure;
  const { timeZone, weekly } = parsed.data;
  const existing = await loadAvailability(services.db, therapistId);
  const errors = validateAvailabilityRules({ timeZone, weekly: weekly as WeeklyHours[], exceptions: [] });
  if (errors.length > 0) return fromFieldErrors(errors);
  const now = services.now();
  const offersConsultations = parsed.data.offersConsultations ?? existing?.offersConsultations ?? true;
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("therapistSchedule")
      .values({ therapistId, timeZone, offersConsultations, updatedBy: actor.userId, updatedAt: now })
      .onConflict((oc) => oc.column("therapistId").doUpdateSet({ timeZone, offersConsultations, updatedBy: actor.userId, updatedAt: now }))
      .execute();
    await trx.deleteFrom("availabilityWeekly").where("therapistId", "=", therapistId).execute();
    if (weekly.length > 0) {
      await trx
        .insertInto("availabilityWeekly")
        .values(weekly.map((w) => ({ therapistId, weekday: w.weekday, startTime: w.start, endTime: w.end })))
        .execute();
    }
  });
  const availability = (await loadAvailability(services.db, therapistId)) as TherapistAvailability;
  return ok({ availability, conflicts: await conflictsOf(services, availability) });
}

const exceptionSchema = z.object({
  date: z.string({ message: "Enter a real date (YYYY-MM-DD)" }).trim().refine(isIsoDate, "Enter a real date (YYYY-MM-DD)"),
  kind: z.enum(["unavailable", "extra"], { message: "Choose unavailable or extra" }),
  start: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  end: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  note: z.string().trim().max(500, "Keep the note under 500 characters").default(""),
});

/** A day off (whole or part) or extra hours on one date. The weekly hours must exist first. */
export async function addAvailabilityException(
  services: AppServices,
  actor: Actor,
  therapistId: string,
  input: unknown,
): Promise<JourneyResult<{ availability: TherapistAvailability; conflicts: AvailabilityConflict[] }>> {
  await assertCanEditAvailability(services.db, actor, therapistId);
  const parsed = parseInput(exceptionSchema, input);
  if (!parsed.ok) return parsed.failure;
  const existing = await loadAvailability(services.db, therapistId);
  if (!existing) return fromFieldErrors([{ field: "date", code: "NO_WEEKLY_HOURS", message: "Set the weekly hours (and time zone) first" }]);
  const { date, kind, start, end, note } = parsed.data;
  const exception: AvailabilityException = { date, kind, ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  // Field names of the single-exception form, not of the list.
  const errors = validateAvailabilityRules({ timeZone: existing.timeZone, weekly: [], exceptions: [exception] }).map((e) => ({
    ...e,
    field: e.field.replace(/^exceptions\.0\./, ""),
  }));
  if (errors.length > 0) return fromFieldErrors(errors);
  await services.db
    .insertInto("availabilityException")
    .values({ therapistId, date, kind, startTime: start ?? null, endTime: end ?? null, note, createdBy: actor.userId, createdAt: services.now() })
    .execute();
  const availability = (await loadAvailability(services.db, therapistId)) as TherapistAvailability;
  return ok({ availability, conflicts: await conflictsOf(services, availability) });
}

export async function removeAvailabilityException(services: AppServices, actor: Actor, therapistId: string, exceptionId: string): Promise<void> {
  await assertCanEditAvailability(services.db, actor, therapistId);
  const removed = await services.db
    .deleteFrom("availabilityException")
    .where("id", "=", exceptionId)
    .where("therapistId", "=", therapistId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) notFound("Exception");
}

async function conflictsOf(services: AppServices, availability: TherapistAvailability): Promise<AvailabilityConflict[]> {
  const sessions = await services.db
    .selectFrom("clinicalSession")
    .select(["id", "startsAt", "endsAt"])
    .where("therapistId", "=", availability.therapistId)
    .where("status", "=", "scheduled")
    .where("startsAt", ">", services.now())
    .orderBy("startsAt")
    .execute();
  return sessions
    .filter((s) => !isWithinAvailability({ ...availability, start: s.startsAt, end: s.endsAt }))
    .map((s) => ({ sessionId: s.id, startsAt: s.startsAt, endsAt: s.endsAt }));
}
