/**
 * "Your diary is due" e-mails through the job queue. One job per (patient, due instant); when the patient
 * writes an entry or changes the interval, the due instant moves, a new job is queued, and the old one
 * finds it is no longer due and sends nothing.
 */
import { z } from "zod";
import { DIARY_INTERVAL_DAYS, nextDiaryDue, type DiaryDue } from "../../domain/diary/diary-rules";
import { enqueueJob, type Queryable } from "../../jobs/queue";
import { sendMailOnce } from "../../jobs/mail-once";
import { PermanentJobError, type JobContext } from "../../jobs/worker";
import { diaryDueEmail, diaryReplyEmail } from "../../mail/diary-templates";
import type { AppServices } from "../context";

export const DIARY_DUE_JOB = "diary-due";

export interface DiaryStatus {
  intervalDays: number;
  lastEntryAt: Date | null;
  due: DiaryDue;
}

export async function loadDiaryStatus(db: Queryable, patientId: string, now: Date): Promise<DiaryStatus> {
  const [pref, last, program] = await Promise.all([
    db.selectFrom("diaryPreference").select("intervalDays").where("patientId", "=", patientId).executeTakeFirst(),
    db.selectFrom("diaryEntry").select("createdAt").where("patientId", "=", patientId).orderBy("createdAt", "desc").limit(1).executeTakeFirst(),
    db.selectFrom("program").select("enrolledAt").where("patientId", "=", patientId).orderBy("enrolledAt", "asc").limit(1).executeTakeFirst(),
  ]);
  const intervalDays = pref?.intervalDays ?? DIARY_INTERVAL_DAYS.default;
  const lastEntryAt = last?.createdAt ?? null;
  return { intervalDays, lastEntryAt, due: nextDiaryDue({ lastEntryAt, programStartedAt: program?.enrolledAt ?? null, intervalDays, now }) };
}

/** Queues the reminder for the current due instant (idempotent: the dedupe key is the patient and the instant). */
export async function scheduleDiaryReminder(db: Queryable, patientId: string, now: Date): Promise<Date | null> {
  const status = await loadDiaryStatus(db, patientId, now);
  const dueAt = status.due.dueAt;
  if (!dueAt) return null;
  await enqueueJob(db, {
    kind: DIARY_DUE_JOB,
    payload: { patientId, dueAt: dueAt.toISOString() },
    runAt: dueAt.getTime() > now.getTime() ? dueAt : now,
    dedupeKey: `${DIARY_DUE_JOB}:${patientId}:${dueAt.toISOString()}`,
  });
  return dueAt;
}

const payloadSchema = z.object({ patientId: z.string().min(1), dueAt: z.string() });

export async function deliverDiaryReminder(services: AppServices, payload: unknown, ctx: JobContext): Promise<string> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError("bad diary-due payload");
  const { patientId, dueAt } = parsed.data;
  const patient = await services.db.selectFrom("user").select(["email", "name", "timeZone", "role"]).where("id", "=", patientId).executeTakeFirst();
  if (!patient || patient.role !== "patient") return "skipped: no patient";
  const status = await loadDiaryStatus(services.db, patientId, ctx.now);
  if (!status.due.dueAt || status.due.dueAt.toISOString() !== dueAt) return "skipped: not due";
  const mail = diaryDueEmail({ name: patient.name, url: `${services.env.PUBLIC_URL}/diary/new`, intervalDays: status.intervalDays });
  return sendMailOnce(services, `${DIARY_DUE_JOB}:${patientId}:${dueAt}`, { to: patient.email, ...mail });
}

/** The patient hears that their therapist answered (no diary text in the e-mail). */
export async function deliverDiaryReplyMail(services: AppServices, payload: unknown): Promise<string> {
  const replyId = (payload as { replyId?: unknown })?.replyId;
  if (typeof replyId !== "string") throw new PermanentJobError("bad diary-reply payload");
  const row = await services.db
    .selectFrom("diaryReply as r")
    .innerJoin("diaryEntry as e", "e.id", "r.entryId")
    .innerJoin("user as p", "p.id", "e.patientId")
    .innerJoin("user as t", "t.id", "r.authorId")
    .select(["e.id as entryId", "p.email", "p.name", "t.name as therapistName"])
    .where("r.id", "=", replyId)
    .executeTakeFirst();
  if (!row) return "skipped: reply deleted";
  const mail = diaryReplyEmail({ name: row.name, therapistName: row.therapistName, url: `${services.env.PUBLIC_URL}/diary/entries/${row.entryId}` });
  return sendMailOnce(services, `diary-reply-mail:${replyId}`, { to: row.email, ...mail });
}
