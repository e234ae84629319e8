/**
 * Diary entries, the therapist's answers, drafts and the reminder interval.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import { DIARY_BODY_MAX_CHARS, DIARY_INTERVAL_DAYS, DIARY_RATING_KEYS, DIARY_REPLY_MAX_CHARS, type DiaryRatingKey } from "../../domain/diary/diary-rules";
import { keyMeasures } from "../../domain/diary/trend";
import type { SymmetryResult } from "../../domain/symmetry";
import { DomainError } from "../../domain/domain-error";
import { enqueueJob, jsonb } from "../../jobs/queue";
import type { FormResult } from "../accounts";
import { fieldErrorsOf } from "../accounts";
import type { Actor, AppServices } from "../context";
import { assertDiaryReader, assertPatientSelf, audit, logEvent, type DiaryViewer } from "./access";
import { loadDiaryStatus, scheduleDiaryReminder, type DiaryStatus } from "./reminders";
import { isUuid } from "../../domain/ids";
import { ensureFresh } from "./snapshots";


const rating = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "" || v === null) return null;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 10) {
      ctx.addIssue({ code: "custom", message: "Choose a whole number from 0 to 10, or leave it empty" });
      return z.NEVER;
    }
    return n;
  });

const entrySchema = z
  .object({
    entryDate: z.string({ message: "Choose the date" }).trim().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the date"),
    body: z.string().max(DIARY_BODY_MAX_CHARS, `Keep it under ${DIARY_BODY_MAX_CHARS} characters`).default(""),
    tension: rating,
    pain: rating,
    tearing: rating,
    synkinesis: rating,
    eating: rating,
  })
  .transform((v) => ({ ...v, body: v.body.trim() }));

export interface DiaryEntryView {
  id: string;
  entryDate: string;
  body: string;
  ratings: Record<DiaryRatingKey, number | null>;
  sessionId: string | null;
  createdAt: string;
  replies: { id: string; authorName: string; body: string; createdAt: string }[];
  snapshot: { id: string; capturedAt: string; expressions: string[]; hasPhotos: boolean; keyMeasures: ReturnType<typeof keyMeasures> } | null;
}

/** The patient writes an entry (text and/or ratings). The draft is cleared and the next reminder queued. */
export async function createDiaryEntry(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<{ entryId: string }>> {
  assertPatientSelf(actor);
  const parsed = entrySchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const data = parsed.data;
  const user = await services.db.selectFrom("user").select("timeZone").where("id", "=", actor.userId).executeTakeFirstOrThrow();
  const date = DateTime.fromISO(data.entryDate, { zone: user.timeZone });
  const today = DateTime.fromJSDate(services.now(), { zone: user.timeZone }).startOf("day");
  if (!date.isValid) return { ok: false, code: "INVALID_INPUT", fieldErrors: { entryDate: "Choose a real date" } };
  if (date > today) return { ok: false, code: "INVALID_INPUT", fieldErrors: { entryDate: "The date cannot be in the future" } };
  if (!data.body && DIARY_RATING_KEYS.every((k) => data[k] === null)) {
    return { ok: false, code: "INVALID_INPUT", fieldErrors: { body: "Write a few words or choose at least one rating" }, formError: "The entry is empty." };
  }
  const now = services.now();
  const entryId = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("diaryEntry")
      .values({ patientId: actor.userId, entryDate: data.entryDate, body: data.body, sessionId: null, tension: data.tension, pain: data.pain, tearing: data.tearing, synkinesis: data.synkinesis, eating: data.eating, createdAt: now, updatedAt: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.deleteFrom("diaryDraft").where("patientId", "=", actor.userId).execute();
    await audit(trx, actor, actor.userId, "diary_entry.created", "diary_entry", row.id);
    await scheduleDiaryReminder(trx, actor.userId, now);
    return row.id;
  });
  logEvent(services, "diary.entry_created", { entryId });
  return { ok: true, value: { entryId } };
}

/** An entry made by a snapshot alone (in a session, or "snapshot only"): no text, today's date in the patient's zone. */
export async function createSnapshotEntry(trx: Parameters<typeof audit>[0], patientId: string, timeZone: string, now: Date, sessionId: string | null): Promise<string> {
  const entryDate = DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
  const row = await trx
    .insertInto("diaryEntry")
    .values({ patientId, entryDate, body: "", sessionId, tension: null, pain: null, tearing: null, synkinesis: null, eating: null, createdAt: now, updatedAt: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function entryViews(services: AppServices, patientId: string, entryIds?: string[]): Promise<DiaryEntryView[]> {
  let q = services.db.selectFrom("diaryEntry").selectAll().where("patientId", "=", patientId);
  if (entryIds) q = q.where("id", "in", entryIds.length ? entryIds : ["00000000-0000-0000-0000-000000000000"]);
  const entries = await q.orderBy("entryDate", "desc").orderBy("createdAt", "desc").execute();
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id);
  const [replies, snapshots] = await Promise.all([
    services.db
      .selectFrom("diaryReply as r")
      .innerJoin("user as u", "u.id", "r.authorId")
      .select(["r.id", "r.entryId", "r.body", "r.createdAt", "u.name as authorName"])
      .where("r.entryId", "in", ids)
      .orderBy("r.createdAt", "asc")
      .execute(),
    services.db.selectFrom("faceSnapshot").select(["id", "entryId", "capturedAt", "measures", "algorithmVersion"]).where("entryId", "in", ids).execute(),
  ]);
  const fresh = await ensureFresh(services, snapshots);
  const captures = fresh.length
    ? await services.db.selectFrom("faceCapture").select(["snapshotId", "expression", "photoPath"]).where("snapshotId", "in", fresh.map((s) => s.id)).execute()
    : [];
  return entries.map((e) => {
    const snap = fresh.find((s) => s.entryId === e.id);
    const caps = snap ? captures.filter((c) => c.snapshotId === snap.id) : [];
    return {
      id: e.id,
      entryDate: e.entryDate,
      body: e.body,
      ratings: Object.fromEntries(DIARY_RATING_KEYS.map((k) => [k, e[k]])) as Record<DiaryRatingKey, number | null>,
      sessionId: e.sessionId,
      createdAt: e.createdAt.toISOString(),
      replies: replies.filter((r) => r.entryId === e.id).map((r) => ({ id: r.id, authorName: r.authorName, body: r.body, createdAt: r.createdAt.toISOString() })),
      snapshot: snap
        ? {
            id: snap.id,
            capturedAt: snap.capturedAt.toISOString(),
            expressions: caps.map((c) => c.expression),
            hasPhotos: caps.some((c) => c.photoPath !== null),
            keyMeasures: keyMeasures(snap.measures as SymmetryResult),
          }
        : null,
    };
  });
}

export interface DiaryView {
  patient: { id: string; name: string; timeZone: string };
  viewer: DiaryViewer;
  status: DiaryStatus;
  entries: DiaryEntryView[];
}

/** The whole diary (timeline, newest first) for the patient or one of their therapists. */
export async function getDiary(services: AppServices, actor: Actor, patientId: string): Promise<DiaryView> {
  const viewer = await assertDiaryReader(services.db, actor, patientId);
  const patient = await services.db.selectFrom("user").select(["id", "name", "timeZone"]).where("id", "=", patientId).executeTakeFirstOrThrow();
  const [status, entries] = await Promise.all([loadDiaryStatus(services.db, patientId, services.now()), entryViews(services, patientId)]);
  await audit(services.db, actor, patientId, "diary.read", "diary", patientId);
  return { patient, viewer, status, entries };
}

/** One entry; NOT_FOUND for a malformed or unknown id, FORBIDDEN for someone else's. */
export async function getDiaryEntry(services: AppServices, actor: Actor, entryId: string): Promise<{ patientId: string; viewer: DiaryViewer; entry: DiaryEntryView }> {
  if (!isUuid(entryId)) throw new DomainError("NOT_FOUND", "There is no such diary entry.");
  const row = await services.db.selectFrom("diaryEntry").select(["id", "patientId"]).where("id", "=", entryId).executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", "There is no such diary entry.");
  const viewer = await assertDiaryReader(services.db, actor, row.patientId);
  const [entry] = await entryViews(services, row.patientId, [row.id]);
  await audit(services.db, actor, row.patientId, "diary_entry.read", "diary_entry", row.id);
  return { patientId: row.patientId, viewer, entry: entry! };
}

const replySchema = z.object({
  entryId: z.string(),
  body: z.string().trim().min(1, "Write your answer").max(DIARY_REPLY_MAX_CHARS, `Keep it under ${DIARY_REPLY_MAX_CHARS} characters`),
});

/** The patient's therapist answers an entry; the patient gets an e-mail (through the queue) and a live notice. */
export async function replyToDiaryEntry(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<{ replyId: string }>> {
  const parsed = replySchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const { patientId, viewer } = await getDiaryEntry(services, actor, parsed.data.entryId);
  if (viewer !== "therapist") throw new DomainError("FORBIDDEN", "Only the patient's therapist can answer a diary entry.");
  const now = services.now();
  const replyId = await services.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto("diaryReply").values({ entryId: parsed.data.entryId, authorId: actor.userId, body: parsed.data.body, createdAt: now }).returning("id").executeTakeFirstOrThrow();
    await audit(trx, actor, patientId, "diary_reply.created", "diary_reply", row.id);
    await enqueueJob(trx, { kind: DIARY_REPLY_JOB, payload: { replyId: row.id }, runAt: now, dedupeKey: `${DIARY_REPLY_JOB}:${row.id}` });
    return row.id;
  });
  services.notifier.toUser(patientId, "diary:replied", { entryId: parsed.data.entryId });
  return { ok: true, value: { replyId } };
}

export const DIARY_REPLY_JOB = "diary-reply-mail";

const draftSchema = z.object({
  entryDate: z.string().max(10).optional(),
  body: z.string().max(DIARY_BODY_MAX_CHARS).optional(),
  ratings: z.record(z.string(), z.union([z.string().max(2), z.number().int().min(0).max(10), z.null()])).optional(),
  savedAt: z.string().max(40).optional(),
});
export type DiaryDraft = z.infer<typeof draftSchema>;

export async function saveDiaryDraft(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<{ updatedAt: string }>> {
  assertPatientSelf(actor);
  const parsed = draftSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const now = services.now();
  await services.db
    .insertInto("diaryDraft")
    .values({ patientId: actor.userId, content: jsonb(parsed.data), updatedAt: now })
    .onConflict((oc) => oc.column("patientId").doUpdateSet({ content: jsonb(parsed.data), updatedAt: now }))
    .execute();
  return { ok: true, value: { updatedAt: now.toISOString() } };
}

export async function loadDiaryDraft(services: AppServices, actor: Actor): Promise<{ content: DiaryDraft; updatedAt: string } | null> {
  assertPatientSelf(actor);
  const row = await services.db.selectFrom("diaryDraft").select(["content", "updatedAt"]).where("patientId", "=", actor.userId).executeTakeFirst();
  if (!row) return null;
  const parsed = draftSchema.safeParse(row.content);
  return parsed.success ? { content: parsed.data, updatedAt: row.updatedAt.toISOString() } : null;
}

const intervalSchema = z.object({
  patientId: z.string().min(1),
  intervalDays: z.coerce
    .number({ message: "Choose how often" })
    .int("Choose how often")
    .min(DIARY_INTERVAL_DAYS.min, `At least every ${DIARY_INTERVAL_DAYS.min} days`)
    .max(DIARY_INTERVAL_DAYS.max, `At most every ${DIARY_INTERVAL_DAYS.max} days`),
});

/** The patient or their therapist sets how often the diary is due; the reminder moves with it. */
export async function setDiaryInterval(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<{ intervalDays: number }>> {
  const parsed = intervalSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const { patientId, intervalDays } = parsed.data;
  await assertDiaryReader(services.db, actor, patientId);
  const now = services.now();
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("diaryPreference")
      .values({ patientId, intervalDays, updatedBy: actor.userId, updatedAt: now })
      .onConflict((oc) => oc.column("patientId").doUpdateSet({ intervalDays, updatedBy: actor.userId, updatedAt: now }))
      .execute();
    await audit(trx, actor, patientId, "diary_interval.updated", "diary_preference", patientId);
    await scheduleDiaryReminder(trx, patientId, now);
  });
  return { ok: true, value: { intervalDays } };
}

/** The patient's home card: when the next entry is due. */
export async function myDiaryStatus(services: AppServices, actor: Actor): Promise<DiaryStatus> {
  assertPatientSelf(actor);
  return loadDiaryStatus(services.db, actor.userId, services.now());
}
