/**
 * Consultation booking: open slots, book, move, cancel. The pure rules decide whether a slot is
 * bookable (`openSlots`, `assertSlotBookable`); the exclusion constraint on `clinical_session` decides who
 * wins a race, so two patients clicking the same slot get one booking and one clear SLOT_TAKEN.
 */
import { z } from "zod";
import { isExclusionViolation, isUniqueViolation } from "../../../db/client";
import { assertSlotBookable, openSlots } from "../../domain/journey/availability";
import { FINAL_STATUSES } from "../../domain/journey/program-state";
import { DomainError } from "../../domain/domain-error";
import type { Actor, AppServices } from "../context";
import {
  constraintOf,
  failure,
  forbidden,
  idField,
  instantField,
  type JourneyFailure,
  type JourneyResult,
  loadUser,
  notFound,
  noticeMessage,
  ok,
  parseInput,
  type Queryable,
  refusalsAsResults,
  SCHEDULING_ROLES,
  zoned,
  type ZonedTime,
} from "./common";
import { findIntake } from "./intake";
import { enqueueSessionMail, scheduleSessionReminders } from "./notifications";
import { type JourneySettings, loadJourneySettings } from "./settings";
import { loadAvailability } from "./availability";
import { busyRanges, insertSession, sessionEnd } from "../sessions/schedule";

export { busyRanges };

export const SLOT_TAKEN_MESSAGE = "This slot was just taken. Please choose another time.";
const DAY_MS = 24 * 60 * 60_000;
const MINUTE_MS = 60_000;

export interface OpenSlot {
  therapistId: string;
  therapistName: string;
  startsAt: Date;
  endsAt: Date;
  /** The start as the viewer (the patient) reads it. */
  viewer: ZonedTime;
  /** The start on the therapist's own clock. */
  therapist: ZonedTime;
}

export interface BookedConsultation {
  sessionId: string;
  therapistId: string;
  patientId: string;
  startsAt: Date;
  endsAt: Date;
  invoiceId: string;
  amountCents: number;
  currency: string;
  viewer: ZonedTime;
}

const listSchema = z.object({
  from: instantField("Choose a start date").optional(),
  days: z.coerce.number().int().min(1).max(90).optional(),
  therapistId: z.string().optional(),
});

/**
 * Open consultation slots of every therapist who offers consultations, over the booking horizon,
 * each shown in the viewer's zone and the therapist's. A patient's own appointments are left out too.
 */
export async function listOpenConsultationSlots(
  services: AppServices,
  actor: Actor,
  input: unknown = {},
): Promise<JourneyResult<{ timeZone: string; slots: OpenSlot[] }>> {
  const parsed = parseInput(listSchema, input);
  if (!parsed.ok) return parsed.failure;
  const settings = await loadJourneySettings(services.db);
  const viewer = await loadUser(services.db, actor.userId);
  const now = services.now();
  const from = parsed.data.from && parsed.data.from > now ? parsed.data.from : now;
  const to = new Date(from.getTime() + (parsed.data.days ?? settings.bookingHorizonDays) * DAY_MS);
  const slots = await computeOpenSlots(services.db, settings, { from, to, now, viewerTimeZone: viewer.timeZone, patientId: actor.role === "patient" ? actor.userId : undefined, therapistId: parsed.data.therapistId });
  return ok({ timeZone: viewer.timeZone, slots });
}

async function computeOpenSlots(
  db: Queryable,
  settings: JourneySettings,
  q: { from: Date; to: Date; now: Date; viewerTimeZone: string; patientId?: string; therapistId?: string },
): Promise<OpenSlot[]> {
  let therapistsQuery = db
    .selectFrom("therapistSchedule as ts")
    .innerJoin("user as u", "u.id", "ts.therapistId")
    .select(["u.id", "u.name"])
    .where("ts.offersConsultations", "=", true)
    .where("u.role", "=", "therapist");
  if (q.therapistId) therapistsQuery = therapistsQuery.where("u.id", "=", q.therapistId);
  const therapists = await therapistsQuery.orderBy("u.name").execute();
  const patientBusy = q.patientId ? await busyRanges(db, { patientId: q.patientId }, q.from, new Date(q.to.getTime() + DAY_MS)) : [];
  const all: OpenSlot[] = [];
  for (const therapist of therapists) {
    const rules = await loadAvailability(db, therapist.id);
    if (!rules) continue;
    const busy = await busyRanges(db, { therapistId: therapist.id }, q.from, new Date(q.to.getTime() + DAY_MS));
    const slots = openSlots({
      ...rules,
      from: q.from,
      to: q.to,
      now: q.now,
      durationMinutes: settings.consultationMinutes,
      stepMinutes: settings.slotStepMinutes,
      minNoticeMinutes: settings.minNoticeMinutes,
      busy: [...busy, ...patientBusy],
    });
    for (const slot of slots) {
      all.push({
        therapistId: therapist.id,
        therapistName: therapist.name,
        startsAt: slot.start,
        endsAt: slot.end,
        viewer: zoned(slot.start, q.viewerTimeZone),
        therapist: zoned(slot.start, rules.timeZone),
      });
    }
  }
  return all.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.therapistName.localeCompare(b.therapistName));
}

const bookSchema = z.object({
  therapistId: z.string({ message: "Choose a time" }).trim().min(1, "Choose a time"),
  startsAt: instantField("Choose a time"),
  /** Only when the planning desk books for a patient. */
  patientId: z.string().trim().optional(),
});

type SlotTakenExtra = { openSlots: OpenSlot[] };

/**
 * The patient books a consultation (or the planning desk books it for them): the session and an unpaid
 * consultation invoice are created together; the confirmation e-mail with its .ics is queued in the same
 * transaction. A lost race answers SLOT_TAKEN with the refreshed list of open slots.
 */
export async function bookConsultation(
  services: AppServices,
  actor: Actor,
  input: unknown,
): Promise<JourneyResult<BookedConsultation, SlotTakenExtra>> {
  const parsed = parseInput(bookSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { therapistId, startsAt } = parsed.data;
  let patientId: string;
  if (actor.role === "patient") patientId = actor.userId;
  else if (SCHEDULING_ROLES.includes(actor.role)) {
    if (!parsed.data.patientId) return failure("REQUIRED", "Choose the patient", "patientId");
    patientId = parsed.data.patientId;
  } else forbidden("Consultations are booked by the patient or the planning desk");

  const patient = await loadUser(services.db, patientId);
  if (patient.role !== "patient") notFound("Patient");
  if (!(await findIntake(services.db, patientId))) {
    return failure("INTAKE_REQUIRED", "Please fill in the intake form before booking, so your specialist can prepare.");
  }
  const settings = await loadJourneySettings(services.db);
  const rules = await loadAvailability(services.db, therapistId);
  const therapist = await services.db.selectFrom("user").select(["id", "role"]).where("id", "=", therapistId).executeTakeFirst();
  if (!rules || !rules.offersConsultations || therapist?.role !== "therapist") {
    return failure("NOT_BOOKABLE", "This specialist does not offer consultations. Choose another time.", "startsAt");
  }
  const now = services.now();

  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const active = await trx
        .selectFrom("program")
        .select("id")
        .where("patientId", "=", patientId)
        .where("status", "not in", FINAL_STATUSES)
        .executeTakeFirst();
      if (active) throw new DomainError("PROGRAM_ACTIVE", "You are already enrolled in a program; the planning desk schedules your sessions.");
      const open = await trx
        .selectFrom("clinicalSession")
        .select("id")
        .where("patientId", "=", patientId)
        .where("kind", "=", "consultation")
        .where("status", "=", "scheduled")
        .executeTakeFirst();
      if (open) throw new DomainError("CONSULTATION_ALREADY_BOOKED", "You already have a consultation booked. Move it instead of booking a second one.");
      const session = await insertSession(
        trx,
        settings,
        {
          kind: "consultation",
          therapistId,
          patientId,
          startsAt,
          createdBy: actor.userId,
          availability: { rules, minNoticeMinutes: settings.minNoticeMinutes, patientBusyMessage: "You already have an appointment at that time" },
          mail: true,
        },
        now,
      );
      const invoice = session.invoice!;
      return {
        sessionId: session.id,
        therapistId,
        patientId,
        startsAt,
        endsAt: session.endsAt,
        invoiceId: invoice.id,
        amountCents: invoice.amountCents,
        currency: invoice.currency,
        viewer: zoned(startsAt, patient.timeZone),
      } satisfies BookedConsultation;
    }),
  ).catch((error: unknown) => bookingConflict(error));
  return bookingAnswer(services, actor, settings, { timeZone: patient.timeZone, id: patientId }, result);
}

/**
 * The shared end of booking and moving: a lost race answers SLOT_TAKEN with the refreshed open slots, a
 * notice refusal speaks in hours, anything else as it came.
 */
async function bookingAnswer(
  services: AppServices,
  actor: Actor,
  settings: JourneySettings,
  patient: { id: string; timeZone: string },
  result: BookedConsultation | JourneyFailure,
): Promise<JourneyResult<BookedConsultation, SlotTakenExtra>> {
  if (!("ok" in result)) return ok(result);
  if (result.code === "SLOT_TAKEN") return withRefreshedSlots(services, actor, settings, patient.timeZone, patient.id);
  return friendlier(result, settings);
}

/** The pure rule speaks in minutes; a patient reads hours. */
function friendlier(result: JourneyFailure, settings: JourneySettings): JourneyFailure {
  if (result.code !== "SLOT_TOO_SOON") return result;
  return { ...result, fieldErrors: { startsAt: noticeMessage(settings.minNoticeMinutes) } };
}

/** The database's answer to a lost race, as a refusal. */
function bookingConflict(error: unknown): JourneyFailure {
  const constraint = constraintOf(error);
  if (isExclusionViolation(error)) {
    if (constraint === "clinical_session_no_patient_overlap") return failure("PATIENT_BUSY", "You already have an appointment at that time", "startsAt");
    return failure("SLOT_TAKEN", SLOT_TAKEN_MESSAGE, "startsAt");
  }
  if (isUniqueViolation(error) && constraint === "clinical_session_one_open_consultation") {
    return failure("CONSULTATION_ALREADY_BOOKED", "You already have a consultation booked. Move it instead of booking a second one.");
  }
  throw error;
}

async function withRefreshedSlots(
  services: AppServices,
  actor: Actor,
  settings: JourneySettings,
  viewerTimeZone: string,
  patientId: string,
): Promise<JourneyFailure & SlotTakenExtra> {
  const now = services.now();
  const slots = await computeOpenSlots(services.db, settings, {
    from: now,
    to: new Date(now.getTime() + settings.bookingHorizonDays * DAY_MS),
    now,
    viewerTimeZone,
    patientId: actor.role === "patient" ? patientId : undefined,
  });
  return { ...failure("SLOT_TAKEN", SLOT_TAKEN_MESSAGE, "startsAt"), openSlots: slots };
}

async function loadChangeableConsultation(services: AppServices, actor: Actor, sessionId: string) {
  const session = await services.db.selectFrom("clinicalSession").selectAll().where("id", "=", sessionId).executeTakeFirst();
  if (!session || session.kind !== "consultation") notFound("Consultation");
  const isOwner = actor.role === "patient" && actor.userId === session.patientId;
  const isItsTherapist = actor.role === "therapist" && actor.userId === session.therapistId;
  if (!isOwner && !isItsTherapist && !SCHEDULING_ROLES.includes(actor.role)) notFound("Consultation");
  return { session, isOwner };
}

/** Patients change a booking only up to the notice period; staff may change it at any time. */
function assertInNotice(settings: JourneySettings, startsAt: Date, now: Date, isPatient: boolean): void {
  if (!isPatient) return;
  if (now.getTime() > startsAt.getTime() - settings.changeNoticeHours * 60 * MINUTE_MS) {
    throw new DomainError(
      "CHANGE_TOO_LATE",
      `Bookings can be changed up to ${settings.changeNoticeHours} hours before they start. Please contact the clinic.`,
    );
  }
}

const rescheduleSchema = z.object({ sessionId: idField("Choose the consultation"), startsAt: instantField("Choose a new time") });

/** Moves a consultation to another open slot of the same specialist; the old slot is free at once. */
export async function rescheduleConsultation(
  services: AppServices,
  actor: Actor,
  input: unknown,
): Promise<JourneyResult<BookedConsultation, SlotTakenExtra>> {
  const parsed = parseInput(rescheduleSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { session, isOwner } = await loadChangeableConsultation(services, actor, parsed.data.sessionId);
  const settings = await loadJourneySettings(services.db);
  const patient = await loadUser(services.db, session.patientId);
  const rules = await loadAvailability(services.db, session.therapistId);
  if (!rules) return failure("NOT_BOOKABLE", "This specialist has no hours set. Please contact the clinic.", "startsAt");
  const startsAt = parsed.data.startsAt;
  const endsAt = sessionEnd("consultation", startsAt, settings);
  const now = services.now();

  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("clinicalSession").selectAll().where("id", "=", session.id).forUpdate().executeTakeFirstOrThrow();
      if (current.status !== "scheduled") throw new DomainError("NOT_SCHEDULED", "This consultation is no longer scheduled");
      assertInNotice(settings, current.startsAt, now, isOwner);
      const busy = await busyRanges(trx, { therapistId: current.therapistId, excludeSessionId: current.id }, startsAt, endsAt);
      assertSlotBookable({ ...rules, start: startsAt, end: endsAt, busy, now, minNoticeMinutes: settings.minNoticeMinutes });
      const updated = await trx
        .updateTable("clinicalSession")
        .set((eb) => ({ startsAt, endsAt, icsSequence: eb("icsSequence", "+", 1), updatedAt: now }))
        .where("id", "=", current.id)
        .returning(["id", "icsSequence"])
        .executeTakeFirstOrThrow();
      const invoice = await trx.selectFrom("invoice").select(["id", "amountCents", "currency"]).where("sessionId", "=", current.id).executeTakeFirstOrThrow();
      await enqueueSessionMail(trx, updated, "rescheduled", now, { previousStartsAt: current.startsAt });
      await scheduleSessionReminders(trx, { id: current.id, startsAt }, now);
      return {
        sessionId: current.id,
        therapistId: current.therapistId,
        patientId: current.patientId,
        startsAt,
        endsAt,
        invoiceId: invoice.id,
        amountCents: invoice.amountCents,
        currency: invoice.currency,
        viewer: zoned(startsAt, patient.timeZone),
      } satisfies BookedConsultation;
    }),
  ).catch((error: unknown) => bookingConflict(error));
  return bookingAnswer(services, actor, settings, { timeZone: patient.timeZone, id: session.patientId }, result);
}

const cancelSchema = z.object({
  sessionId: idField("Choose the consultation"),
  reason: z.string().trim().max(1000, "Keep the reason under 1000 characters").optional(),
});

/** Cancels a consultation: the slot is free again and an unpaid invoice is voided. */
export async function cancelConsultation(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<{ sessionId: string }>> {
  const parsed = parseInput(cancelSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { session, isOwner } = await loadChangeableConsultation(services, actor, parsed.data.sessionId);
  const settings = await loadJourneySettings(services.db);
  const now = services.now();
  const result = await refusalsAsResults(() =>
    services.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("clinicalSession").selectAll().where("id", "=", session.id).forUpdate().executeTakeFirstOrThrow();
      if (current.status !== "scheduled") throw new DomainError("NOT_SCHEDULED", "This consultation is no longer scheduled");
      assertInNotice(settings, current.startsAt, now, isOwner);
      const updated = await trx
        .updateTable("clinicalSession")
        .set((eb) => ({ status: "cancelled", cancelledAt: now, cancelReason: parsed.data.reason || null, icsSequence: eb("icsSequence", "+", 1), updatedAt: now }))
        .where("id", "=", current.id)
        .returning(["id", "icsSequence"])
        .executeTakeFirstOrThrow();
      // A paid consultation stays paid: the refund is the planning desk's decision, visible in the unpaid/paid lists.
      await trx.updateTable("invoice").set({ status: "void" }).where("sessionId", "=", current.id).where("status", "=", "unpaid").execute();
      await enqueueSessionMail(trx, updated, "cancelled", now, { reason: parsed.data.reason || null });
      return { sessionId: current.id };
    }),
  );
  if ("ok" in result && result.ok === false) return result;
  return ok(result as { sessionId: string });
}
