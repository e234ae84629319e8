/**
 * The one way a clinical session comes into being. Every booking path (a patient's consultation, an
 * accepted plan, the planning desk's conclusion, a therapist's direct booking, the demo clinic) calls
 * `insertSession`, which takes the length from the clinic's settings, checks the therapist's hours and
 * both calendars when asked, raises the kind's own invoice and queues the e-mail and reminders in the
 * same transaction. The database's exclusion constraints settle a race between two bookings.
 */
import { assertSlotBookable, type AvailabilityRules, type TimeRange } from "../../domain/journey/availability";
import { DomainError } from "../../domain/domain-error";
import { invoiceDueAfterTerms } from "../../domain/journey/billing";
import { type SessionKind, sessionKinds } from "../../domain/session-kinds";
import type { Queryable } from "../../jobs/queue";
import { enqueueSessionMail, scheduleSessionReminders } from "../journey/notifications";
import type { JourneySettings } from "../journey/settings";

const MINUTE_MS = 60_000;

/**
 * The time sessions of one therapist (or one patient) hold within [from, to): not cancelled, and a session
 * ended early only up to its end, the same rule as the database's no-overlap constraints.
 */
export async function busyRanges(db: Queryable, filter: { therapistId?: string; patientId?: string; excludeSessionId?: string }, from: Date, to: Date): Promise<TimeRange[]> {
  let query = db
    .selectFrom("clinicalSession")
    .select(["startsAt", "endsAt", "endedAt"])
    .where("status", "<>", "cancelled")
    .where("startsAt", "<", to)
    .where("endsAt", ">", from);
  query = query.where((eb) =>
    eb.or([
      ...(filter.therapistId ? [eb("therapistId", "=", filter.therapistId)] : []),
      ...(filter.patientId ? [eb("patientId", "=", filter.patientId)] : []),
    ]),
  );
  if (filter.excludeSessionId) query = query.where("id", "<>", filter.excludeSessionId);
  const rows = await query.execute();
  return rows
    .map((r) => ({ start: r.startsAt, end: r.endedAt && r.endedAt < r.endsAt ? new Date(Math.max(r.endedAt.getTime(), r.startsAt.getTime())) : r.endsAt }))
    .filter((r) => r.end > r.start && r.end > from);
}

/** How long a session of this kind lasts, from the clinic's settings. */
export function sessionEnd(kind: SessionKind, startsAt: Date, settings: JourneySettings): Date {
  return new Date(startsAt.getTime() + sessionKinds.minutes(kind, settings) * MINUTE_MS);
}

export interface NewSession {
  kind: SessionKind;
  therapistId: string;
  patientId: string;
  programId?: string | null;
  sequence?: number | null;
  startsAt: Date;
  /** Only a plan item brings its own end (computed from the settings when the plan was proposed). */
  endsAt?: Date;
  createdBy: string | null;
  /** The demo clinic records past sessions as held; they raise no invoice and send nothing. */
  status?: "scheduled" | "completed";
  /** Check the therapist's hours, the notice period and both calendars first (refusals name `startsAt`). */
  availability?: { rules: AvailabilityRules; minNoticeMinutes: number; patientBusyMessage: string; outsideHoursAllowed?: boolean };
  /** Queue the "booked" e-mail with its calendar entry (a plan sends one e-mail for all its sessions). */
  mail: boolean;
}

export interface InsertedSession {
  id: string;
  icsSequence: number;
  startsAt: Date;
  endsAt: Date;
  /** The invoice the kind raises per session; null when paid per block or free. */
  invoice: { id: string; amountCents: number; currency: string } | null;
}

/** Inserts one session with everything that belongs to it; run it inside the booking's transaction. */
export async function insertSession(trx: Queryable, settings: JourneySettings, s: NewSession, now: Date): Promise<InsertedSession> {
  if (sessionKinds.needsProgram(s.kind) && !s.programId) {
    throw new DomainError("NEEDS_PROGRAM", `A ${sessionKinds.label(s.kind).toLowerCase()} belongs to a program; the planning desk plans it from the patient's program.`, "kind");
  }
  const startsAt = s.startsAt;
  const endsAt = s.endsAt ?? sessionEnd(s.kind, startsAt, settings);
  if (s.availability) {
    const busy = await busyRanges(trx, { therapistId: s.therapistId }, startsAt, endsAt);
    assertSlotBookable({
      ...s.availability.rules,
      start: startsAt,
      end: endsAt,
      busy,
      now,
      minNoticeMinutes: s.availability.minNoticeMinutes,
      outsideHoursAllowed: s.availability.outsideHoursAllowed,
    });
    const patientBusy = await busyRanges(trx, { patientId: s.patientId }, startsAt, endsAt);
    if (patientBusy.length > 0) throw new DomainError("PATIENT_BUSY", s.availability.patientBusyMessage, "startsAt");
  }
  const status = s.status ?? "scheduled";
  const session = await trx
    .insertInto("clinicalSession")
    .values({
      kind: s.kind,
      therapistId: s.therapistId,
      patientId: s.patientId,
      programId: s.programId ?? null,
      sequence: s.sequence ?? null,
      startsAt,
      endsAt,
      status,
      createdBy: s.createdBy,
      updatedAt: now,
    })
    .returning(["id", "icsSequence"])
    .executeTakeFirstOrThrow();
  let invoice: InsertedSession["invoice"] = null;
  const price = sessionKinds.priceCents(s.kind, settings);
  if (status === "scheduled" && price !== null) {
    const row = await trx
      .insertInto("invoice")
      .values({ patientId: s.patientId, kind: s.kind as "consultation", sessionId: session.id, programId: null, block: null, amountCents: price, currency: settings.currency, dueAt: invoiceDueAfterTerms(now, settings.paymentTermsDays) })
      .returning("id")
      .executeTakeFirstOrThrow();
    invoice = { id: row.id, amountCents: price, currency: settings.currency };
  }
  if (status === "scheduled") {
    if (s.mail) await enqueueSessionMail(trx, session, "booked", now);
    await scheduleSessionReminders(trx, { id: session.id, startsAt }, now);
  }
  return { id: session.id, icsSequence: session.icsSequence, startsAt, endsAt, invoice };
}
