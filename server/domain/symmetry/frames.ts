/**
 * Several frames per expression: one capture is the per-coordinate median of at least MIN_FRAMES accepted
 * frames, and the spread of each left − right difference over those frames is kept with the measures.
 * A single frame carries about 1 mm of landmark noise; the median of ten is steadier and its spread says how steady.
 */
import { computeExpressionMeasures, STATIC_MEASURE_KEYS, type StaticMeasureKey } from "./measures";
import { validateExpressionCapture, type Blendshape, type ExpressionCapture, type ValidationIssue, type ValidationResult } from "./validate-snapshot";

import { MAX_FRAMES, MIN_FRAMES } from "./constants";

export { MAX_FRAMES, MIN_FRAMES };

export type SpreadKey = StaticMeasureKey | "mouthMidlineDeviation";

/** Standard deviation over the frames of each left − right difference (mm or °), and how many frames. */
export interface FrameSpread {
  readonly frames: number;
  readonly leftMinusRightSd: Readonly<Partial<Record<SpreadKey, number>>>;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : 0.5 * (s[mid - 1]! + s[mid]!);
}

function sd(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
}

/**
 * The median capture of valid frames of one expression (same image size): median of every landmark
 * coordinate, of every blendshape score, and the matrix of the frame nearest the median pose.
 */
export function medianCapture(frames: readonly ExpressionCapture[]): ExpressionCapture {
  if (frames.length === 0) throw new RangeError("no frames");
  const first = frames[0]!;
  const landmarks = first.landmarks.map((_, i) => ({
    x: median(frames.map((f) => f.landmarks[i]!.x)),
    y: median(frames.map((f) => f.landmarks[i]!.y)),
    z: median(frames.map((f) => f.landmarks[i]!.z)),
  }));
  const names = [...new Set(frames.flatMap((f) => (f.blendshapes ?? []).map((b) => b.categoryName)))];
  const blendshapes: Blendshape[] = names.map((categoryName) => ({
    categoryName,
    score: median(frames.map((f) => f.blendshapes?.find((b) => b.categoryName === categoryName)?.score ?? 0)),
  }));
  // The matrix is a rotation: take a real frame's, the one whose elements are nearest the element-wise median.
  const mid = first.transformationMatrix.map((_, k) => median(frames.map((f) => f.transformationMatrix[k]!)));
  const nearest = frames.reduce((best, f) =>
    dist(f.transformationMatrix, mid) < dist(best.transformationMatrix, mid) ? f : best,
  );
  return { ...first, landmarks, transformationMatrix: nearest.transformationMatrix.slice(), blendshapes };
}

function dist(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0);
}

/** Spread (SD over frames) of each static left − right difference. */
export function frameSpread(frames: readonly ExpressionCapture[]): FrameSpread {
  const per = frames.map((f) => computeExpressionMeasures(f));
  const out: Partial<Record<SpreadKey, number>> = {};
  for (const key of STATIC_MEASURE_KEYS) {
    const d = per.map((m) => m.measures[key]).filter((v) => v.left !== null && v.right !== null).map((v) => (v.left as number) - (v.right as number));
    if (d.length >= 2) out[key] = sd(d);
  }
  out.mouthMidlineDeviation = sd(per.map((m) => m.mouthMidlineDeviation));
  return { frames: frames.length, leftMinusRightSd: out };
}

export interface FramedCapture {
  /** The median of the frames: what the measures are computed from and what is stored as the capture. */
  readonly capture: ExpressionCapture;
  readonly frames: readonly ExpressionCapture[];
  readonly spread: FrameSpread;
}

/**
 * Validates one uploaded expression made of frames: `{expression, imageWidth, imageHeight, frames: [{landmarks,
 * transformationMatrix, blendshapes?}]}` with MIN_FRAMES–MAX_FRAMES frames. Issues name the frame
 * ("frames[3].landmarks").
 */
export function validateFramedCapture(input: unknown): ValidationResult<FramedCapture> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, errors: [{ path: "", message: "must be an object" }] };
  const { frames, ...rest } = input as Record<string, unknown>;
  if (!Array.isArray(frames) || frames.length < MIN_FRAMES || frames.length > MAX_FRAMES) {
    const got = Array.isArray(frames) ? `${frames.length}` : "none";
    return { ok: false, errors: [{ path: "frames", message: `must hold ${MIN_FRAMES}–${MAX_FRAMES} accepted frames of the expression (got ${got})` }] };
  }
  const errors: ValidationIssue[] = [];
  const valid: ExpressionCapture[] = [];
  frames.forEach((frame: unknown, j: number) => {
    if (errors.length >= 10) return;
    const r = validateExpressionCapture(typeof frame === "object" && frame !== null ? { ...rest, ...frame } : frame);
    if (r.ok) valid.push(r.value);
    else for (const e of r.errors) errors.push({ path: `frames[${j}]${e.path && !e.path.startsWith("[") ? "." : ""}${e.path}`, message: e.message });
  });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { capture: medianCapture(valid), frames: valid, spread: frameSpread(valid) } };
}
