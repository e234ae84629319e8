/**
 * E-mails of the journey, in two halves:
 * - `enqueue*` / `schedule*` run inside the transaction that changes a booking, so a job exists if and
 *   only if the change was committed (transactional outbox). Dedupe keys make a repeated call harmless.
 * - `deliver*` run in the job worker: they re-read the database and send nothing when the reason is
 *   gone (session moved or cancelled, invoice paid), so old jobs never need to be hunted down.
 * Each recipient's mail goes through `sendMailOnce`, keyed by job and recipient: a retry after a partial
 * failure sends only what is missing, never a second copy.
 */
import { z } from "zod";
import { buildCalendar, type CalendarEvent, calendarAttachment, type CalendarMethod } from "../../calendar/ics";
import { JOB_KINDS, REMINDER_LEADS_MS } from "../../jobs/constants";
import { sendMailOnce } from "../../jobs/mail-once";
import { enqueueJob, type Queryable } from "../../jobs/queue";
import type { JobContext } from "../../jobs/worker";
import { PermanentJobError } from "../../jobs/worker";
import {
  consultationOutcomeEmail,
  invoiceReminderEmail,
  planAcceptedEmail,
  planProposedEmail,
  sessionBookedEmail,
  sessionCancelledEmail,
  sessionReminderEmail,
  sessionRescheduledEmail,
} from "../../mail/journey-templates";
import { sessionKinds } from "../../domain/session-kinds";
import type { AppServices } from "../context";
import { clinicContactOf, describeClinicContact, type JourneySettings, loadJourneySettings } from "./settings";

export type SessionChange = "booked" | "rescheduled" | "cancelled";

/** Where e-mails link to; the UI routes are named here once. */
export function journeyUrls(services: AppServices) {
  const base = (services.env.PUBLIC_URL ?? "").replace(/\/$/, "");
  return {
    session: (id: string) => `${base}/sessions/${id}`,
    /** The patient's session dates: a proposal to answer, or the booked sessions. */
    program: () => `${base}/patient/plan`,
    invoices: () => `${base}/patient/invoices`,
    home: () => `${base}/patient`,
  };
}

function organizerOf(services: AppServices): { name: string; email: string } {
  const from = services.env.MAIL_FROM;
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return match ? { name: match[1] || "Clinic", email: match[2] } : { name: "Clinic", email: from.trim() };
}

function calendarDomain(services: AppServices): string {
  try {
    return new URL(services.env.PUBLIC_URL ?? "").hostname || "clinic.invalid";
  } catch {
    return "clinic.invalid";
  }
}

// ── enqueue (inside the booking transaction) ─────────────────────────────────────────────────────

export async function enqueueSessionMail(
  trx: Queryable,
  session: { id: string; icsSequence: number },
  change: SessionChange,
  now: Date,
  extra: { previousStartsAt?: Date; reason?: string | null } = {},
): Promise<void> {
  await enqueueJob(trx, {
    kind: JOB_KINDS.sessionMail,
    payload: { sessionId: session.id, change, previousStartsAt: extra.previousStartsAt?.toISOString(), reason: extra.reason ?? null },
    runAt: now,
    dedupeKey: `${JOB_KINDS.sessionMail}:${session.id}:${session.icsSequence}:${change}`,
  });
}

/** Reminders whose time is still ahead; the key holds the start, so a moved session gets fresh ones. */
export async function scheduleSessionReminders(trx: Queryable, session: { id: string; startsAt: Date }, now: Date): Promise<void> {
  for (const kind of [JOB_KINDS.reminder24h, JOB_KINDS.reminder1h] as const) {
    const runAt = new Date(session.startsAt.getTime() - REMINDER_LEADS_MS[kind]);
    if (runAt.getTime() <= now.getTime()) continue;
    await enqueueJob(trx, {
      kind,
      payload: { sessionId: session.id, startsAt: session.startsAt.toISOString() },
      runAt,
      dedupeKey: `${kind}:${session.id}:${session.startsAt.toISOString()}`,
    });
  }
}

export async function scheduleInvoiceReminder(
  trx: Queryable,
  invoice: { id: string; dueAt: Date | null },
  settings: Pick<JourneySettings, "invoiceReminderDaysBefore">,
  now: Date,
): Promise<void> {
  if (!invoice.dueAt || invoice.dueAt.getTime() <= now.getTime()) return;
  // Due sooner than the usual lead (a first session booked at short notice): remind at once instead.
  const lead = new Date(invoice.dueAt.getTime() - settings.invoiceReminderDaysBefore * 24 * 60 * 60_000);
  const runAt = lead.getTime() > now.getTime() ? lead : now;
  await enqueueJob(trx, {
    kind: JOB_KINDS.invoiceReminder,
    payload: { invoiceId: invoice.id, dueAt: invoice.dueAt.toISOString() },
    runAt,
    dedupeKey: `${JOB_KINDS.invoiceReminder}:${invoice.id}:${invoice.dueAt.toISOString()}`,
  });
}

export async function enqueuePlanMail(trx: Queryable, planId: string, event: "proposed" | "accepted", now: Date): Promise<void> {
  await enqueueJob(trx, { kind: JOB_KINDS.planMail, payload: { planId, event }, runAt: now, dedupeKey: `${JOB_KINDS.planMail}:${planId}:${event}` });
}

/** Not suitable or clinic visit: the patient is told, with the reason and the clinic's contact. */
export async function enqueueOutcomeMail(trx: Queryable, sessionId: string, now: Date): Promise<void> {
  await enqueueJob(trx, { kind: JOB_KINDS.outcomeMail, payload: { sessionId }, runAt: now, dedupeKey: `${JOB_KINDS.outcomeMail}:${sessionId}` });
}

// ── deliver (in the job worker) ─────────────────────────────────────────────────────────────────

function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError(`Bad job payload: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function loadSessionWithPeople(db: Queryable, sessionId: string) {
  return db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as p", "p.id", "s.patientId")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .select([
      "s.id",
      "s.kind",
      "s.sequence",
      "s.startsAt",
      "s.endsAt",
      "s.status",
      "s.icsSequence",
      "s.cancelReason",
      "p.id as patientId",
      "p.name as patientName",
      "p.email as patientEmail",
      "p.timeZone as patientTimeZone",
      "t.id as therapistId",
      "t.name as therapistName",
      "t.email as therapistEmail",
      "t.timeZone as therapistTimeZone",
    ])
    .where("s.id", "=", sessionId)
    .executeTakeFirst();
}

type SessionWithPeople = NonNullable<Awaited<ReturnType<typeof loadSessionWithPeople>>>;

function recipientsOf(session: SessionWithPeople) {
  return [
    { userId: session.patientId, name: session.patientName, email: session.patientEmail, timeZone: session.patientTimeZone, counterpart: session.therapistName },
    { userId: session.therapistId, name: session.therapistName, email: session.therapistEmail, timeZone: session.therapistTimeZone, counterpart: session.patientName },
  ];
}

function eventOf(services: AppServices, session: SessionWithPeople, cancelled = false): CalendarEvent {
  const title = session.kind === "program" && session.sequence ? `${sessionKinds.label("program")} ${session.sequence}` : sessionKinds.label(session.kind);
  const url = journeyUrls(services).session(session.id);
  return {
    id: session.id,
    start: session.startsAt,
    end: session.endsAt,
    title: `${title}: ${session.patientName} with ${session.therapistName}`,
    description: `Join from your browser: ${url}`,
    url,
    sequence: session.icsSequence,
    cancelled,
    organizer: organizerOf(services),
  };
}

const sessionMailPayload = z.object({
  sessionId: z.string(),
  change: z.enum(["booked", "rescheduled", "cancelled"]),
  previousStartsAt: z.string().optional(),
  reason: z.string().nullable().optional(),
});

export async function deliverSessionMail(services: AppServices, payload: unknown, context: JobContext): Promise<string> {
  const { sessionId, change, previousStartsAt, reason } = parsePayload(sessionMailPayload, payload);
  const session = await loadSessionWithPeople(services.db, sessionId);
  if (!session) return "skipped: session gone";
  // A newer change has its own job; this one would describe a state that no longer exists.
  if (change !== "cancelled" && session.status === "cancelled") return "skipped: cancelled since";
  // PUBLISH: the invitation has no attendee list (the clinic does not collect RSVPs), and REQUEST without
  // attendees is refused or mishandled by several calendar clients.
  const method: CalendarMethod = change === "cancelled" ? "CANCEL" : "PUBLISH";
  const ics = buildCalendar([eventOf(services, session, change === "cancelled")], { method, domain: calendarDomain(services) });
  const results: string[] = [];
  for (const r of recipientsOf(session)) {
    const common = {
      recipientName: r.name,
      recipientTimeZone: r.timeZone,
      counterpartName: r.counterpart,
      kind: session.kind,
      sequence: session.sequence,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      url: journeyUrls(services).session(session.id),
    };
    const mail =
      change === "booked"
        ? sessionBookedEmail(common)
        : change === "rescheduled"
          ? sessionRescheduledEmail({ ...common, previousStartsAt: previousStartsAt ? new Date(previousStartsAt) : session.startsAt })
          : sessionCancelledEmail({ ...common, reason: reason ?? session.cancelReason });
    results.push(
      await sendMailOnce(services, `${context.job.dedupeKey}:${r.userId}`, { to: r.email, ...mail, attachments: [calendarAttachment(ics, method)] }),
    );
  }
  return results.join(",");
}

const reminderPayload = z.object({ sessionId: z.string(), startsAt: z.string() });

/** Patients get the reminders (therapists work from their calendar); the session must still be as booked. */
export async function deliverSessionReminder(services: AppServices, payload: unknown, context: JobContext, lead: "24h" | "1h"): Promise<string> {
  const { sessionId, startsAt } = parsePayload(reminderPayload, payload);
  const session = await loadSessionWithPeople(services.db, sessionId);
  if (!session) return "skipped: session gone";
  if (session.status !== "scheduled") return `skipped: ${session.status}`;
  if (session.startsAt.toISOString() !== new Date(startsAt).toISOString()) return "skipped: moved";
  if (context.now.getTime() >= session.startsAt.getTime()) return "skipped: already started";
  const mail = sessionReminderEmail({
    recipientName: session.patientName,
    recipientTimeZone: session.patientTimeZone,
    counterpartName: session.therapistName,
    kind: session.kind,
    sequence: session.sequence,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    url: journeyUrls(services).session(session.id),
    lead,
  });
  return sendMailOnce(services, `${context.job.dedupeKey}:${session.patientId}`, { to: session.patientEmail, ...mail });
}

const invoicePayload = z.object({ invoiceId: z.string(), dueAt: z.string() });

export async function deliverInvoiceReminder(services: AppServices, payload: unknown, context: JobContext): Promise<string> {
  const { invoiceId, dueAt } = parsePayload(invoicePayload, payload);
  const invoice = await services.db
    .selectFrom("invoice as i")
    .innerJoin("user as p", "p.id", "i.patientId")
    .select(["i.id", "i.status", "i.dueAt", "i.amountCents", "i.currency", "i.kind", "i.block", "p.id as patientId", "p.name", "p.email", "p.timeZone"])
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
  if (!invoice) return "skipped: invoice gone";
  if (invoice.status !== "unpaid") return `skipped: ${invoice.status}`;
  if (!invoice.dueAt || invoice.dueAt.toISOString() !== new Date(dueAt).toISOString()) return "skipped: due date changed";
  const mail = invoiceReminderEmail({
    recipientName: invoice.name,
    recipientTimeZone: invoice.timeZone,
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    dueAt: invoice.dueAt,
    description: invoice.kind === "block" ? `Payment for sessions block ${invoice.block}` : "Payment for your consultation",
    url: journeyUrls(services).invoices(),
  });
  return sendMailOnce(services, `${context.job.dedupeKey}:${invoice.patientId}`, { to: invoice.email, ...mail });
}

const planPayload = z.object({ planId: z.string(), event: z.enum(["proposed", "accepted"]) });

export async function deliverPlanMail(services: AppServices, payload: unknown, context: JobContext): Promise<string> {
  const { planId, event } = parsePayload(planPayload, payload);
  const plan = await services.db
    .selectFrom("sessionPlan as sp")
    .innerJoin("program as pr", "pr.id", "sp.programId")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .select(["sp.id", "sp.status", "sp.programId", "p.id as patientId", "p.name", "p.email", "p.timeZone"])
    .where("sp.id", "=", planId)
    .executeTakeFirst();
  if (!plan) return "skipped: plan gone";
  const items = await services.db.selectFrom("sessionPlanItem").selectAll().where("planId", "=", planId).orderBy("position").execute();
  const url = journeyUrls(services).program();
  if (event === "proposed") {
    if (plan.status !== "sent") return `skipped: ${plan.status}`;
    const mail = planProposedEmail({ recipientName: plan.name, recipientTimeZone: plan.timeZone, sessions: items, url });
    return sendMailOnce(services, `${context.job.dedupeKey}:${plan.patientId}`, { to: plan.email, ...mail });
  }
  if (plan.status !== "accepted") return `skipped: ${plan.status}`;
  const sessions = await services.db
    .selectFrom("clinicalSession")
    .select("id")
    .where("programId", "=", plan.programId)
    .where("kind", "=", "program")
    .where("status", "=", "scheduled")
    .where("sequence", "in", items.map((i) => i.sequence))
    .orderBy("sequence")
    .execute();
  const loaded = (await Promise.all(sessions.map((s) => loadSessionWithPeople(services.db, s.id)))).filter((s): s is SessionWithPeople => Boolean(s));
  if (loaded.length === 0) return "skipped: no sessions";
  const ics = buildCalendar(
    loaded.map((s) => eventOf(services, s)),
    { method: "PUBLISH", domain: calendarDomain(services) },
  );
  const results: string[] = [];
  for (const r of recipientsOf(loaded[0])) {
    const mail = planAcceptedEmail({
      recipientName: r.name,
      recipientTimeZone: r.timeZone,
      sessions: loaded.map((s) => ({ sequence: s.sequence ?? 0, startsAt: s.startsAt })),
      url: r.userId === plan.patientId ? url : journeyUrls(services).session(loaded[0].id),
    });
    results.push(await sendMailOnce(services, `${context.job.dedupeKey}:${r.userId}`, { to: r.email, ...mail, attachments: [calendarAttachment(ics)] }));
  }
  return results.join(",");
}

const outcomePayload = z.object({ sessionId: z.string() });

export async function deliverOutcomeMail(services: AppServices, payload: unknown, context: JobContext): Promise<string> {
  const { sessionId } = parsePayload(outcomePayload, payload);
  const row = await services.db
    .selectFrom("consultationOutcome as o")
    .innerJoin("clinicalSession as s", "s.id", "o.sessionId")
    .innerJoin("user as p", "p.id", "s.patientId")
    .select(["o.outcome", "o.reason", "p.id as patientId", "p.name", "p.email"])
    .where("o.sessionId", "=", sessionId)
    .executeTakeFirst();
  if (!row) return "skipped: outcome gone";
  if (row.outcome === "enrol") return "skipped: enrolled";
  const settings = await loadJourneySettings(services.db);
  const mail = consultationOutcomeEmail({
    recipientName: row.name,
    outcome: row.outcome,
    reason: row.reason,
    clinicContact: describeClinicContact(clinicContactOf(settings)),
    url: journeyUrls(services).home(),
  });
  return sendMailOnce(services, `${context.job.dedupeKey}:${row.patientId}`, { to: row.email, ...mail });
}
