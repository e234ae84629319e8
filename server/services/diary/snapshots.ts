/**
 * Face snapshots: validated uploads of landmarks (never pictures unless the patient opted in), measures
 * computed here with the pure symmetry module and stored with the algorithm version, recomputed from the
 * stored landmarks when the version changes, and the trend against the patient's own first snapshot.
 */
import {
  computeSnapshotMeasures,
  EXPRESSION_IDS,
  frameSpread,
  needsRecompute,
  poseFromTransformationMatrix,
  poseGate,
  rulerAgreement,
  SYMMETRY_ALGORITHM_VERSION,
  validateFramedCapture,
  type ExpressionCapture,
  type ExpressionId,
  type FramedCapture,
  type SymmetryResult,
} from "../../domain/symmetry";
import type { StoredFrame } from "../../../db/schema-diary";
import { expressionScore, getExpression } from "../../../media/face/expressions";
import { isExpressionId } from "../../domain/symmetry";
import { buildTrend, keyMeasures, type TrendSeries } from "../../domain/diary/trend";
import { DomainError } from "../../domain/domain-error";
import { jsonb, type Queryable } from "../../jobs/queue";
import { getCallContext } from "../sessions/access";
import type { Actor, AppServices } from "../context";
import type { FormResult } from "../accounts";
import { assertDiaryReader, assertPatientSelf, audit, logEvent } from "./access";
import { requireConsent } from "./consent";
import { isUuid } from "../../domain/ids";
import { createSnapshotEntry } from "./entries";
import { PHOTO_MAX_BYTES, readPhotoFile, sniffPhoto, writePhotoFile, deletePhotoFiles } from "./photo-store";

/** Most blendshapes one capture may carry (MediaPipe has 52). */
const MAX_BLENDSHAPES = 60;
/** A capture time may be this far in the past (a slow upload) and never in the future beyond clock skew. */
const CAPTURE_MAX_AGE_MS = 24 * 60 * 60_000;
const CLOCK_SKEW_MS = 5 * 60_000;

export interface SnapshotSaved {
  snapshotId: string;
  entryId: string;
  capturedAt: string;
  expressions: string[];
  keyMeasures: ReturnType<typeof keyMeasures>;
}

function refused(code: string, fieldErrors: Record<string, string>): FormResult<never> & { code: string } {
  const reasons = Object.entries(fieldErrors).slice(0, 3).map(([k, v]) => `${k} ${v}`).join("; ");
  return { ok: false, code, fieldErrors, formError: "The face measurements could not be saved: " + reasons };
}

function expressionNoun(id: ExpressionId): string {
  const label = getExpression(id).label.toLowerCase();
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

function toStoredFrame(c: ExpressionCapture): StoredFrame {
  return { landmarks: c.landmarks.map((l) => [l.x, l.y, l.z]), transformationMatrix: c.transformationMatrix.slice(), blendshapes: (c.blendshapes ?? []).slice() };
}

function fromStoredFrame(row: { expression: string; imageWidth: number; imageHeight: number }, f: StoredFrame): ExpressionCapture {
  return {
    expression: row.expression as ExpressionId,
    imageWidth: row.imageWidth,
    imageHeight: row.imageHeight,
    landmarks: f.landmarks.map(([x, y, z]) => ({ x, y, z })),
    transformationMatrix: f.transformationMatrix,
    blendshapes: f.blendshapes,
  };
}

/** The inter-canthal width (mm) of the patient's first snapshot with a resting face: the second ruler. */
async function baselineIntercanthalMm(services: AppServices, patientId: string): Promise<number | null> {
  const rows = await services.db.selectFrom("faceSnapshot").select(["id", "measures", "algorithmVersion"]).where("patientId", "=", patientId).orderBy("capturedAt", "asc").execute();
  for (const row of rows) {
    const [fresh] = await ensureFresh(services, [row]);
    const rest = (fresh!.measures as SymmetryResult).expressions.find((e) => e.expression === "rest");
    if (rest?.static.frame.intercanthalWidthMm) return rest.static.frame.intercanthalWidthMm;
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function affectedSideOf(db: Queryable, patientId: string): Promise<"left" | "right" | null> {
  const intake = await db.selectFrom("patientIntake").select("affectedSide").where("patientId", "=", patientId).executeTakeFirst();
  return intake?.affectedSide === "left" || intake?.affectedSide === "right" ? intake.affectedSide : null;
}

/**
 * The patient uploads a snapshot: `{ entryId?, sessionId?, captures: [...] }`. Every capture is checked
 * (exact shape, finite numbers, plausible face geometry) before anything is stored; on any error the
 * answer names each bad field and nothing is written.
 */
export async function submitSnapshot(services: AppServices, actor: Actor, input: unknown): Promise<FormResult<SnapshotSaved> & { code?: string }> {
  assertPatientSelf(actor);
  const patientId = actor.userId;
  await requireConsent(services.db, patientId, "landmarks");
  if (!isRecord(input)) return { ok: false, code: "INVALID_SNAPSHOT", fieldErrors: { form: "must be a JSON object" } };
  const fieldErrors: Record<string, string> = {};
  const captures = Array.isArray(input.captures) ? (input.captures as unknown[]) : [];
  if (captures.length === 0) fieldErrors.captures = "must be a non-empty array of expression captures";
  if (captures.length > EXPRESSION_IDS.length) fieldErrors.captures = `has ${captures.length} captures; at most one per expression (${EXPRESSION_IDS.length})`;
  const framed: FramedCapture[] = [];
  const seen = new Set<string>();
  if (!fieldErrors.captures) {
    captures.forEach((c, i) => {
      const r = validateFramedCapture(c);
      if (!r.ok) {
        for (const e of r.errors) fieldErrors[`captures[${i}]${e.path ? "." + e.path : ""}`] ??= e.message;
        return;
      }
      const expression = r.value.capture.expression;
      if (seen.has(expression)) fieldErrors[`captures[${i}].expression`] = `"${expression}" is captured more than once`;
      seen.add(expression);
      framed.push(r.value);
    });
  }
  const now = services.now();
  const capturedAts: Date[] = captures.map((c, i) => {
    const raw = isRecord(c) ? c.capturedAt : undefined;
    if (raw === undefined) return now;
    const t = typeof raw === "string" ? new Date(raw) : new Date(NaN);
    if (Number.isNaN(t.getTime()) || t.getTime() > now.getTime() + CLOCK_SKEW_MS || t.getTime() < now.getTime() - CAPTURE_MAX_AGE_MS) {
      fieldErrors[`captures[${i}].capturedAt`] = "must be the capture time (ISO 8601), within the last day";
    }
    return t;
  });
  captures.forEach((c, i) => {
    const frames = isRecord(c) && Array.isArray(c.frames) ? (c.frames as unknown[]) : [];
    if (frames.some((f) => isRecord(f) && Array.isArray(f.blendshapes) && f.blendshapes.length > MAX_BLENDSHAPES)) fieldErrors[`captures[${i}].frames`] = `at most ${MAX_BLENDSHAPES} blendshapes per frame`;
  });
  const rawEntryId = input.entryId ?? null;
  const rawSessionId = input.sessionId ?? null;
  if (rawEntryId !== null && !isUuid(rawEntryId)) fieldErrors.entryId = "must be the id of one of your diary entries";
  if (rawSessionId !== null && !isUuid(rawSessionId)) fieldErrors.sessionId = "must be a session id";
  const entryId = isUuid(rawEntryId) ? rawEntryId : null;
  const sessionId = isUuid(rawSessionId) ? rawSessionId : null;
  if (Object.keys(fieldErrors).length) return refused("INVALID_SNAPSHOT", fieldErrors);
  // The gates the capture page applies, checked again here: pose (by the landmarks and by the matrix), the
  // expression itself, and the iris ruler against the baseline's inter-canthal width.
  const baselineIcw = await baselineIntercanthalMm(services, patientId);
  framed.forEach((f, i) => {
    f.frames.some((frame, j) => {
      const fail = poseGate(frame);
      if (fail) fieldErrors[`captures[${i}].frames[${j}]`] = `${fail.gate} gate: ${fail.message}`;
      return fail !== null;
    });
    const expression = f.capture.expression;
    if (!f.capture.blendshapes?.length) fieldErrors[`captures[${i}].blendshapes`] = "are needed to check the expression";
    else if (!expressionScore(expression, f.capture.blendshapes).confirmed) {
      fieldErrors[`captures[${i}].expression`] = `This did not look like ${expressionNoun(expression)} — let's try again.`;
    }
    const ruler = baselineIcw === null ? null : rulerAgreement(f.capture, baselineIcw);
    if (ruler) fieldErrors[`captures[${i}].landmarks`] = `ruler gate: ${ruler.message}`;
  });
  if (Object.keys(fieldErrors).length) return refused("CAPTURE_REFUSED", fieldErrors);
  if (sessionId !== null) {
    const call = await getCallContext(services, { userId: patientId, role: "patient" }, sessionId);
    if (call.myRole !== "patient") throw new DomainError("FORBIDDEN", "This is not your session.");
  }
  if (entryId !== null) {
    const entry = await services.db.selectFrom("diaryEntry").select(["patientId"]).where("id", "=", entryId).executeTakeFirst();
    if (!entry) throw new DomainError("NOT_FOUND", "There is no such diary entry.");
    if (entry.patientId !== patientId) throw new DomainError("FORBIDDEN", "This diary entry belongs to someone else.");
    const taken = await services.db.selectFrom("faceSnapshot").select("id").where("entryId", "=", entryId).executeTakeFirst();
    if (taken) return { ok: false, code: "CONFLICT", fieldErrors: { entryId: "This entry already has a face snapshot" } };
  }
  const snapshot = { captures: framed.map((f) => f.capture) };
  const spreads = Object.fromEntries(framed.map((f) => [f.capture.expression, f.spread]));
  const affectedSide = await affectedSideOf(services.db, patientId);
  const started = performance.now();
  const result = computeSnapshotMeasures(snapshot, { ...(affectedSide ? { affectedSide } : {}), spreads });
  const computeMs = performance.now() - started;
  const capturedAt = new Date(Math.max(...capturedAts.map((d) => d.getTime())));
  const user = await services.db.selectFrom("user").select("timeZone").where("id", "=", patientId).executeTakeFirstOrThrow();
  const saved = await services.db.transaction().execute(async (trx) => {
    const theEntryId = entryId ?? (await createSnapshotEntry(trx, patientId, user.timeZone, now, sessionId));
    const row = await trx
      .insertInto("faceSnapshot")
      .values({ patientId, entryId: theEntryId, sessionId, affectedSide, algorithmVersion: result.algorithmVersion, measures: jsonb(result), computedAt: now, capturedAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [i, c] of snapshot.captures.entries()) {
      const pose = poseFromTransformationMatrix(c.transformationMatrix);
      await trx
        .insertInto("faceCapture")
        .values({
          snapshotId: row.id,
          expression: c.expression,
          imageWidth: c.imageWidth,
          imageHeight: c.imageHeight,
          landmarks: jsonb(c.landmarks.map((l) => [l.x, l.y, l.z])),
          transformationMatrix: jsonb(c.transformationMatrix),
          blendshapes: jsonb(c.blendshapes ?? []),
          pose: jsonb({ yaw: pose.yawDeg, pitch: pose.pitchDeg, roll: pose.rollDeg }),
          capturedAt: capturedAts[i] ?? now,
          photoPath: null,
          photoMime: null,
          frames: jsonb(framed[i]!.frames.map(toStoredFrame)),
        })
        .execute();
    }
    await audit(trx, actor, patientId, "snapshot.created", "face_snapshot", row.id);
    return { snapshotId: row.id, entryId: theEntryId };
  });
  logEvent(services, "diary.snapshot_saved", { snapshotId: saved.snapshotId, captures: snapshot.captures.length, computeMs: Math.round(computeMs * 10) / 10 });
  return {
    ok: true,
    value: { ...saved, capturedAt: capturedAt.toISOString(), expressions: snapshot.captures.map((c) => c.expression), keyMeasures: keyMeasures(result) },
  };
}

/**
 * Keeps the picture of one captured expression (second opt-in only). The bytes must be a JPEG, PNG or WebP
 * by their magic bytes, at most PHOTO_MAX_BYTES (and the configured upload limit).
 */
export async function attachSnapshotPhoto(
  services: AppServices,
  actor: Actor,
  input: { snapshotId: string; expression: string; bytes: Uint8Array },
): Promise<FormResult<{ captureId: string }> & { code?: string }> {
  assertPatientSelf(actor);
  if (!isUuid(input.snapshotId)) throw new DomainError("NOT_FOUND", "There is no such snapshot.");
  const snap = await services.db.selectFrom("faceSnapshot").select(["id", "patientId"]).where("id", "=", input.snapshotId).executeTakeFirst();
  if (!snap) throw new DomainError("NOT_FOUND", "There is no such snapshot.");
  if (snap.patientId !== actor.userId) throw new DomainError("FORBIDDEN", "This snapshot belongs to someone else.");
  await requireConsent(services.db, actor.userId, "photos");
  if (!isExpressionId(input.expression)) return { ok: false, code: "INVALID_PHOTO", fieldErrors: { expression: "is not one of the captured expressions" } };
  const limit = Math.min(PHOTO_MAX_BYTES, services.env.UPLOAD_LIMIT_BYTES);
  if (input.bytes.length === 0) return { ok: false, code: "INVALID_PHOTO", fieldErrors: { photo: "The picture is empty" } };
  if (input.bytes.length > limit) return { ok: false, code: "TOO_LARGE", fieldErrors: { photo: `The picture is too large (${input.bytes.length} bytes; at most ${limit})` } };
  const type = sniffPhoto(input.bytes);
  if (!type) return { ok: false, code: "INVALID_PHOTO", fieldErrors: { photo: "This is not a JPEG, PNG or WebP picture" } };
  const capture = await services.db.selectFrom("faceCapture").select(["id", "photoPath"]).where("snapshotId", "=", snap.id).where("expression", "=", input.expression).executeTakeFirst();
  if (!capture) return { ok: false, code: "INVALID_PHOTO", fieldErrors: { expression: "This expression was not captured in this snapshot" } };
  const relative = await writePhotoFile(services, actor.userId, capture.id, type.ext, input.bytes);
  await services.db.updateTable("faceCapture").set({ photoPath: relative, photoMime: type.mime }).where("id", "=", capture.id).execute();
  if (capture.photoPath && capture.photoPath !== relative) await deletePhotoFiles(services, [capture.photoPath]);
  await audit(services.db, actor, actor.userId, "snapshot_photo.saved", "face_capture", capture.id);
  return { ok: true, value: { captureId: capture.id } };
}

export interface SnapshotDetail {
  id: string;
  patientId: string;
  entryId: string;
  capturedAt: string;
  algorithmVersion: string;
  result: SymmetryResult;
  keyMeasures: ReturnType<typeof keyMeasures>;
  captures: { id: string; expression: string; imageWidth: number; imageHeight: number; landmarks: [number, number, number][]; pose: { yaw: number; pitch: number; roll: number }; hasPhoto: boolean }[];
}

export async function getSnapshot(services: AppServices, actor: Actor, snapshotId: string): Promise<SnapshotDetail> {
  if (!isUuid(snapshotId)) throw new DomainError("NOT_FOUND", "There is no such snapshot.");
  const snap = await services.db.selectFrom("faceSnapshot").select(["id", "patientId", "entryId", "capturedAt", "measures", "algorithmVersion"]).where("id", "=", snapshotId).executeTakeFirst();
  if (!snap) throw new DomainError("NOT_FOUND", "There is no such snapshot.");
  await assertDiaryReader(services.db, actor, snap.patientId);
  const [fresh] = await ensureFresh(services, [snap]);
  const captures = await services.db.selectFrom("faceCapture").select(["id", "expression", "imageWidth", "imageHeight", "landmarks", "pose", "photoPath"]).where("snapshotId", "=", snap.id).execute();
  await audit(services.db, actor, snap.patientId, "snapshot.read", "face_snapshot", snap.id);
  const result = fresh!.measures as SymmetryResult;
  return {
    id: snap.id,
    patientId: snap.patientId,
    entryId: snap.entryId,
    capturedAt: snap.capturedAt.toISOString(),
    algorithmVersion: fresh!.algorithmVersion,
    result,
    keyMeasures: keyMeasures(result),
    captures: captures.map((c) => ({ id: c.id, expression: c.expression, imageWidth: c.imageWidth, imageHeight: c.imageHeight, landmarks: c.landmarks, pose: c.pose, hasPhoto: c.photoPath !== null })),
  };
}

export async function readCapturePhoto(services: AppServices, actor: Actor, captureId: string): Promise<{ bytes: Uint8Array; mime: string }> {
  if (!isUuid(captureId)) throw new DomainError("NOT_FOUND", "There is no such picture.");
  const row = await services.db
    .selectFrom("faceCapture as c")
    .innerJoin("faceSnapshot as s", "s.id", "c.snapshotId")
    .select(["c.id", "c.photoPath", "c.photoMime", "s.patientId"])
    .where("c.id", "=", captureId)
    .executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", "There is no such picture.");
  await assertDiaryReader(services.db, actor, row.patientId);
  if (!row.photoPath || !row.photoMime) throw new DomainError("NOT_FOUND", "No picture was kept for this expression.");
  const bytes = await readPhotoFile(services, row.photoPath);
  if (!bytes) throw new DomainError("NOT_FOUND", "No picture was kept for this expression.");
  await audit(services.db, actor, row.patientId, "snapshot_photo.read", "face_capture", row.id);
  return { bytes, mime: row.photoMime };
}

export interface TrendView {
  series: TrendSeries[];
  snapshots: { id: string; entryId: string; capturedAt: string; expressions: string[]; hasPhotos: boolean }[];
  algorithmVersion: string;
}

export async function getSymmetryTrend(services: AppServices, actor: Actor, patientId: string): Promise<TrendView> {
  await assertDiaryReader(services.db, actor, patientId);
  const rows = await services.db.selectFrom("faceSnapshot").select(["id", "entryId", "capturedAt", "measures", "algorithmVersion"]).where("patientId", "=", patientId).orderBy("capturedAt", "asc").execute();
  const fresh = await ensureFresh(services, rows);
  const captures = rows.length ? await services.db.selectFrom("faceCapture").select(["snapshotId", "expression", "photoPath"]).where("snapshotId", "in", rows.map((r) => r.id)).execute() : [];
  await audit(services.db, actor, patientId, "diary_trend.read", "diary", patientId);
  return {
    series: buildTrend(fresh.map((r) => ({ id: r.id, capturedAt: r.capturedAt, result: r.measures as SymmetryResult })), { affectedSide: await affectedSideOf(services.db, patientId) }),
    snapshots: fresh.map((r) => ({
      id: r.id,
      entryId: r.entryId,
      capturedAt: r.capturedAt.toISOString(),
      expressions: captures.filter((c) => c.snapshotId === r.id).map((c) => c.expression),
      hasPhotos: captures.some((c) => c.snapshotId === r.id && c.photoPath !== null),
    })),
    algorithmVersion: SYMMETRY_ALGORITHM_VERSION,
  };
}

// ── Recompute ─────────────────────────────────────────────────────────────────────────────────────

type StoredRow<T> = T & { id: string; measures: unknown; algorithmVersion: string };

/** Recomputes one snapshot's measures from its stored captures with the current algorithm and stores them. */
export async function recomputeSnapshot(services: AppServices, snapshotId: string): Promise<SymmetryResult> {
  const snap = await services.db.selectFrom("faceSnapshot").select(["id", "patientId", "affectedSide"]).where("id", "=", snapshotId).executeTakeFirstOrThrow();
  const rows = await services.db.selectFrom("faceCapture").selectAll().where("snapshotId", "=", snapshotId).execute();
  const captures: ExpressionCapture[] = rows.map((r) => ({
    expression: r.expression as ExpressionCapture["expression"],
    imageWidth: r.imageWidth,
    imageHeight: r.imageHeight,
    landmarks: r.landmarks.map(([x, y, z]) => ({ x, y, z })),
    transformationMatrix: r.transformationMatrix,
    blendshapes: r.blendshapes,
  }));
  const spreads = Object.fromEntries(rows.filter((r) => r.frames && r.frames.length >= 2).map((r) => [r.expression, frameSpread(r.frames!.map((f) => fromStoredFrame(r, f)))]));
  const result = computeSnapshotMeasures({ captures }, { ...(snap.affectedSide ? { affectedSide: snap.affectedSide } : {}), spreads });
  await services.db.updateTable("faceSnapshot").set({ measures: jsonb(result), algorithmVersion: result.algorithmVersion, computedAt: services.now() }).where("id", "=", snapshotId).execute();
  return result;
}

/** Rows computed by an older algorithm are recomputed (and stored) before they are shown. */
export async function ensureFresh<T>(services: AppServices, rows: StoredRow<T>[]): Promise<StoredRow<T>[]> {
  const out: StoredRow<T>[] = [];
  for (const row of rows) {
    if (!needsRecompute(row)) out.push(row);
    else {
      const result = await recomputeSnapshot(services, row.id);
      out.push({ ...row, measures: result, algorithmVersion: result.algorithmVersion });
    }
  }
  return out;
}

/** Recomputes every snapshot stored with an older algorithm version; returns how many changed. */
export async function recomputeStaleSnapshots(services: AppServices): Promise<number> {
  const stale = await services.db.selectFrom("faceSnapshot").select("id").where("algorithmVersion", "!=", SYMMETRY_ALGORITHM_VERSION).execute();
  for (const s of stale) await recomputeSnapshot(services, s.id);
  if (stale.length) logEvent(services, "diary.snapshots_recomputed", { count: stale.length, version: SYMMETRY_ALGORITHM_VERSION });
  return stale.length;
}
