/**
 * Homework after the session and at home: the e-mail with the printable sheet (through the job queue,
 * at most once), the patient's homework page, practice logs, adherence, daily reminders.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import { dosageText, type HomeworkItem, reconcileHomework, visibleHomework } from "../../domain/collab/homework-list";
import { DomainError } from "../../domain/domain-error";
import { type AdherenceSummary, localDate, nextReminderAt, summariseAdherence } from "../../domain/homework/adherence";
import { enqueueJob, jsonb, type Queryable } from "../../jobs/queue";
import type { FormResult } from "../accounts";
import { audit, auditPatientList } from "../audit";
import type { AppServices } from "../context";
import { illustrationBytes } from "./catalogue";
import { isUuid } from "../../domain/ids";
import { type CallUser, getCallContext } from "../sessions/access";
import { type HomeworkSheet, renderHomeworkSheet } from "./homework-pdf";

export const HOMEWORK_EMAIL_JOB = "homework.session-email";
export const PRACTICE_REMINDER_JOB = "homework.practice-reminder";
export const ADHERENCE_DAYS = 28;

async function sessionItems(services: AppServices, sessionId: string): Promise<HomeworkItem[]> {
  const rows = await services.db.selectFrom("homeworkItem").select("data").where("sessionId", "=", sessionId).execute();
  return visibleHomework(reconcileHomework([], rows.map((r) => r.data as HomeworkItem)));
}

async function sessionInfo(services: AppServices, sessionId: string) {
  return services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as p", "p.id", "s.patientId")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .select(["s.id", "s.startsAt", "s.patientId", "p.name as patientName", "p.email as patientEmail", "p.timeZone as patientTimeZone", "t.name as therapistName"])
    .where("s.id", "=", sessionId)
    .executeTakeFirst();
}

/** The sheet's content: items with the technique's how-to and the attached illustrations' bytes. */
async function buildSheet(services: AppServices, sessionId: string) {
  const info = await sessionInfo(services, sessionId);
  if (!info) throw new DomainError("NOT_FOUND", "This session does not exist.");
  const items = await sessionItems(services, sessionId);
  const techniqueIds = [...new Set(items.map((i) => i.techniqueId).filter((id): id is string => Boolean(id && isUuid(id))))];
  const techniques = techniqueIds.length ? await services.db.selectFrom("technique").select(["id", "description"]).where("id", "in", techniqueIds).execute() : [];
  const illustrationIds = [...new Set(items.flatMap((i) => i.illustrationIds).filter(isUuid))];
  const illustrations = illustrationIds.length
    ? await services.db
        .selectFrom("illustration")
        .select(["id", "storageKey", "contentType"])
        .where("id", "in", illustrationIds)
        .where((eb) => eb.or([eb("techniqueId", "is not", null), eb("sessionId", "=", sessionId)]))
        .execute()
    : [];
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  for (const ill of illustrations) {
    const bytes = await illustrationBytes(services, ill.storageKey);
    if (bytes) files.set(ill.id, { bytes, contentType: ill.contentType });
  }
  const sessionDate = DateTime.fromJSDate(info.startsAt, { zone: info.patientTimeZone }).setLocale("en-GB").toFormat("d LLLL yyyy");
  const sheet: HomeworkSheet = {
    patientName: info.patientName,
    therapistName: info.therapistName,
    sessionDate,
    items: items.map((item) => ({
      title: item.title,
      dosageLine: dosageText(item),
      description: techniques.find((t) => t.id === item.techniqueId)?.description ?? "",
      notes: item.notes,
      // The PDF renderer shows PNG and JPEG; a WebP upload is still attached to the e-mail.
      images: item.illustrationIds
        .map((id) => files.get(id))
        .filter((f): f is { bytes: Buffer; contentType: string } => Boolean(f && f.contentType !== "image/webp"))
        .map((f) => ({ data: f.bytes, format: f.contentType === "image/png" ? ("png" as const) : ("jpg" as const) })),
    })),
  };
  return { info, items, sheet, files };
}

/** The PDF of a session's homework, for its participants (the patient any time from the homework page). */
export async function homeworkPdfFor(services: AppServices, user: CallUser, sessionId: string): Promise<{ pdf: Buffer; fileName: string }> {
  const call = await getCallContext(services, user, sessionId);
  const { sheet, info } = await buildSheet(services, sessionId);
  await audit(services, { actor: user, action: "homework.pdf_read", recordType: "session_homework", recordId: sessionId, patientId: call.patient.id });
  return { pdf: await renderHomeworkSheet(sheet), fileName: `homework-${info.startsAt.toISOString().slice(0, 10)}.pdf` };
}

/** Called when the session ends: the homework e-mail goes out once, through the job queue. */
export async function scheduleHomeworkEmail(services: AppServices, sessionId: string, db: Queryable = services.db): Promise<void> {
  await enqueueJob(db, { kind: HOMEWORK_EMAIL_JOB, payload: { sessionId }, runAt: services.now(), dedupeKey: `homework-email:${sessionId}` });
}

/** The job: e-mail the patient their homework with the illustrations and the PDF (skipped when none was set). */
export async function prepareHomeworkEmail(services: AppServices, sessionId: string) {
  const { info, items, sheet, files } = await buildSheet(services, sessionId);
  if (items.length === 0) return null;
  const pdf = await renderHomeworkSheet(sheet);
  const url = `${services.env.PUBLIC_URL}/patient/homework`;
  const lines = items.map((item, i) => `${i + 1}. ${item.title} — ${dosageText(item)}${item.notes ? `\n   ${item.notes}` : ""}`);
  const text = [
    `Hello ${info.patientName},`,
    `here is your homework from the session of ${sheet.sessionDate} with ${info.therapistName}:`,
    lines.join("\n"),
    "Practise twice a day, 15 to 20 minutes each time. The printable sheet (PDF) is attached, with the illustrations; keep it in your passport folder.",
    `You can log each practice on your homework page: ${url}`,
  ].join("\n\n");
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">` +
    `<p>Hello ${esc(info.patientName)},</p><p>here is your homework from the session of ${esc(sheet.sessionDate)} with ${esc(info.therapistName)}:</p><ol>` +
    items.map((item) => `<li><strong>${esc(item.title)}</strong><br>${esc(dosageText(item))}${item.notes ? `<br><em>${esc(item.notes)}</em>` : ""}</li>`).join("") +
    `</ol><p>Practise twice a day, 15 to 20 minutes each time. The printable sheet (PDF) is attached.</p>` +
    `<p><a href="${esc(url)}" style="background:#0f5c6e;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Open my homework</a></p></body></html>`;
  const ext = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" } as Record<string, string>;
  const attachments = [
    { filename: `homework-${info.startsAt.toISOString().slice(0, 10)}.pdf`, content: pdf, contentType: "application/pdf" },
    ...[...files.entries()].map(([id, f], i) => ({ filename: `illustration-${i + 1}-${id.slice(0, 8)}.${ext[f.contentType]}`, content: f.bytes, contentType: f.contentType })),
  ];
  return { to: info.patientEmail, subject: `Your homework from the session of ${sheet.sessionDate}`, text, html, attachments };
}

// ── At home ───────────────────────────────────────────────────────────────────────────────────────

export interface HomeworkSessionView {
  sessionId: string;
  startsAt: Date;
  therapistName: string;
  items: (HomeworkItem & { dosageLine: string; description: string })[];
}

/** The patient's homework: the latest session's first, then the earlier ones (history). */
export async function listMyHomework(services: AppServices, user: CallUser): Promise<HomeworkSessionView[]> {
  if (user.role !== "patient") throw new DomainError("FORBIDDEN", "Only patients have homework.");
  const rows = await services.db
    .selectFrom("homeworkItem as h")
    .innerJoin("clinicalSession as s", "s.id", "h.sessionId")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .select(["h.sessionId", "h.data", "s.startsAt", "t.name as therapistName"])
    .where("s.patientId", "=", user.userId)
    .execute();
  // Every session's homework of the patient: one read, keyed by the patient.
  await audit(services, { actor: user, action: "homework.read", recordType: "homework_list", recordId: user.userId, patientId: user.userId });
  const bySession = new Map<string, { startsAt: Date; therapistName: string; data: HomeworkItem[] }>();
  for (const row of rows) {
    const entry = bySession.get(row.sessionId) ?? { startsAt: row.startsAt, therapistName: row.therapistName, data: [] };
    entry.data.push(row.data as HomeworkItem);
    bySession.set(row.sessionId, entry);
  }
  const techniqueIds = [...new Set(rows.map((r) => (r.data as HomeworkItem).techniqueId).filter((id): id is string => Boolean(id && isUuid(id))))];
  const techniques = techniqueIds.length ? await services.db.selectFrom("technique").select(["id", "description"]).where("id", "in", techniqueIds).execute() : [];
  return [...bySession.entries()]
    .map(([sessionId, s]) => ({
      sessionId,
      startsAt: s.startsAt,
      therapistName: s.therapistName,
      items: visibleHomework(reconcileHomework([], s.data)).map((item) => ({ ...item, dosageLine: dosageText(item), description: techniques.find((t) => t.id === item.techniqueId)?.description ?? "" })),
    }))
    .filter((s) => s.items.length > 0)
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
}

const practiceSchema = z.object({
  minutes: z.coerce.number({ message: "Minutes must be a number" }).int("Minutes must be a whole number").min(1, "At least 1 minute").max(180, "At most 180 minutes"),
  // "" = now; otherwise a local date-time in the patient's zone ("YYYY-MM-DDTHH:mm").
  practisedAtLocal: z.string().trim().max(20).optional().default(""),
  sessionId: z.string().max(64).optional().default(""),
  itemIds: z.array(z.string().max(64)).max(100).optional().default([]),
});

/** Logs one practice ("done now", or afterwards with a time); never in the future, at most 14 days back. */
export async function logPractice(services: AppServices, user: CallUser & { timeZone: string }, input: unknown): Promise<FormResult<{ id: string }>> {
  if (user.role !== "patient") throw new DomainError("FORBIDDEN", "Only patients log practice.");
  const parsed = practiceSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, fieldErrors, code: "INVALID_INPUT" };
  }
  const now = services.now();
  let practisedAt = now;
  if (parsed.data.practisedAtLocal) {
    const local = DateTime.fromISO(parsed.data.practisedAtLocal, { zone: user.timeZone });
    if (!local.isValid) return { ok: false, fieldErrors: { practisedAtLocal: "Enter a date and time" }, code: "INVALID_INPUT" };
    practisedAt = local.toJSDate();
    if (practisedAt.getTime() > now.getTime() + 60_000) return { ok: false, fieldErrors: { practisedAtLocal: "This time is in the future" }, code: "INVALID_INPUT" };
    if (practisedAt.getTime() < now.getTime() - 14 * 86_400_000) return { ok: false, fieldErrors: { practisedAtLocal: "Practices can be logged up to 14 days back" }, code: "INVALID_INPUT" };
  }
  let sessionId: string | null = null;
  if (parsed.data.sessionId) {
    const own = isUuid(parsed.data.sessionId)
      ? await services.db.selectFrom("clinicalSession").select("id").where("id", "=", parsed.data.sessionId).where("patientId", "=", user.userId).executeTakeFirst()
      : undefined;
    if (!own) return { ok: false, fieldErrors: { sessionId: "This homework is not yours" }, code: "INVALID_INPUT" };
    sessionId = own.id;
  }
  const row = await services.db
    .insertInto("practiceLog")
    .values({ patientId: user.userId, sessionId, practisedAt, minutes: parsed.data.minutes, itemIds: jsonb(parsed.data.itemIds), createdAt: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await audit(services, { actor: user, action: "practice_log.created", recordType: "practice_log", recordId: row.id, patientId: user.userId });
  return { ok: true, value: { id: row.id } };
}

export async function deletePractice(services: AppServices, user: CallUser, practiceId: string): Promise<void> {
  if (!isUuid(practiceId)) throw new DomainError("NOT_FOUND", "No such practice.");
  const result = await services.db.deleteFrom("practiceLog").where("id", "=", practiceId).where("patientId", "=", user.userId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new DomainError("NOT_FOUND", "No such practice.");
  await audit(services, { actor: user, action: "practice_log.deleted", recordType: "practice_log", recordId: practiceId, patientId: user.userId });
}

async function practicesOf(services: AppServices, patientId: string, since: Date) {
  return services.db.selectFrom("practiceLog").select(["id", "practisedAt", "minutes"]).where("patientId", "=", patientId).where("practisedAt", ">=", since).orderBy("practisedAt", "desc").execute();
}

/** A patient's own adherence (streak, week, last four weeks) and recent practices. */
export async function myAdherence(services: AppServices, user: CallUser & { timeZone: string }) {
  const now = services.now();
  const practices = await practicesOf(services, user.userId, new Date(now.getTime() - (ADHERENCE_DAYS + 1) * 86_400_000));
  await audit(services, { actor: user, action: "adherence.read", recordType: "practice_log_list", recordId: user.userId, patientId: user.userId });
  return { summary: summariseAdherence(practices, { now, timeZone: user.timeZone, days: ADHERENCE_DAYS }), recent: practices.slice(0, 10) };
}

export interface PatientAdherence {
  patientId: string;
  name: string;
  timeZone: string;
  summary: AdherenceSummary;
}

/**
 * Adherence of the therapist's patients (all, or one), in each patient's own calendar days. A
 * therapist sees only patients they have a session or program with.
 */
export async function adherenceForTherapist(services: AppServices, user: CallUser, onlyPatientId?: string): Promise<PatientAdherence[]> {
  if (user.role !== "therapist") throw new DomainError("FORBIDDEN", "Only therapists see adherence.");
  let query = services.db
    .selectFrom("user as p")
    .select(["p.id", "p.name", "p.timeZone"])
    .where("p.role", "=", "patient")
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("clinicalSession as s").select("s.id").whereRef("s.patientId", "=", "p.id").where("s.therapistId", "=", user.userId)),
        eb.exists(eb.selectFrom("program as g").select("g.id").whereRef("g.patientId", "=", "p.id").where("g.therapistId", "=", user.userId)),
      ]),
    );
  if (onlyPatientId) query = query.where("p.id", "=", onlyPatientId);
  const patients = await query.orderBy("p.name").execute();
  const now = services.now();
  const since = new Date(now.getTime() - (ADHERENCE_DAYS + 1) * 86_400_000);
  const out: PatientAdherence[] = [];
  for (const p of patients) {
    const practices = await practicesOf(services, p.id, since);
    out.push({ patientId: p.id, name: p.name, timeZone: p.timeZone, summary: summariseAdherence(practices, { now, timeZone: p.timeZone, days: ADHERENCE_DAYS }) });
  }
  await auditPatientList(services, { actor: user, action: "adherence.read", recordType: "practice_log_list" }, patients.map((p) => p.id));
  return out;
}

// ── Reminders ─────────────────────────────────────────────────────────────────────────────────────

export async function getReminder(services: AppServices, user: CallUser): Promise<{ enabled: boolean; localTime: string }> {
  const row = await services.db.selectFrom("practiceReminder").select(["enabled", "localTime"]).where("patientId", "=", user.userId).executeTakeFirst();
  return row ?? { enabled: false, localTime: "19:00" };
}

const reminderSchema = z.object({
  enabled: z.union([z.literal("on"), z.literal("true"), z.literal(""), z.literal("false")]).optional().transform((v) => v === "on" || v === "true"),
  localTime: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "Choose a time like 19:00"),
});

async function enqueueReminder(services: AppServices, patientId: string, localTime: string, timeZone: string, after: Date): Promise<void> {
  const runAt = nextReminderAt(localTime, timeZone, after);
  await enqueueJob(services.db, {
    kind: PRACTICE_REMINDER_JOB,
    payload: { patientId, localTime },
    runAt,
    dedupeKey: `practice-reminder:${patientId}:${localDate(runAt, timeZone)}:${localTime}`,
  });
}

/** The optional daily reminder when no practice was logged by a chosen time. */
export async function saveReminder(services: AppServices, user: CallUser & { timeZone: string }, input: unknown): Promise<FormResult> {
  if (user.role !== "patient") throw new DomainError("FORBIDDEN", "Only patients set practice reminders.");
  const parsed = reminderSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: { localTime: parsed.error.issues[0]?.message ?? "Choose a time" }, code: "INVALID_INPUT" };
  const { enabled, localTime } = parsed.data;
  const now = services.now();
  await services.db
    .insertInto("practiceReminder")
    .values({ patientId: user.userId, enabled, localTime, updatedAt: now })
    .onConflict((oc) => oc.column("patientId").doUpdateSet({ enabled, localTime, updatedAt: now }))
    .execute();
  if (enabled) await enqueueReminder(services, user.userId, localTime, user.timeZone, now);
  return { ok: true, value: undefined };
}

/**
 * The reminder job: sends when still wanted at this time and nothing was logged today; then queues
 * tomorrow's. Returns the mail to send (the handler sends it at most once) or a reason to skip.
 */
export async function preparePracticeReminder(services: AppServices, payload: { patientId: string; localTime: string }, now: Date) {
  const patient = await services.db.selectFrom("user").select(["id", "name", "email", "timeZone"]).where("id", "=", payload.patientId).executeTakeFirst();
  const setting = await services.db.selectFrom("practiceReminder").select(["enabled", "localTime"]).where("patientId", "=", payload.patientId).executeTakeFirst();
  if (!patient || !setting?.enabled || setting.localTime !== payload.localTime) return { skip: "reminder turned off or moved" as const };
  await enqueueReminder(services, patient.id, setting.localTime, patient.timeZone, new Date(now.getTime() + 60_000));
  const today = localDate(now, patient.timeZone);
  const practices = await practicesOf(services, patient.id, new Date(now.getTime() - 2 * 86_400_000));
  if (practices.some((p) => localDate(p.practisedAt, patient.timeZone) === today)) return { skip: "already practised today" as const };
  const url = `${services.env.PUBLIC_URL}/patient/homework`;
  return {
    dedupeKey: `practice-reminder:${patient.id}:${today}`,
    mail: {
      to: patient.email,
      subject: "A gentle reminder: today's facial exercises",
      text: `Hello ${patient.name},\n\nno practice is logged for today yet. A short session of 15 to 20 minutes is enough — and if you already practised, you can log it in one tap.\n\n${url}\n\nYou chose to receive this reminder; you can turn it off on the same page.`,
    },
  };
}
