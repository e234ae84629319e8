/**
 * The diary's expression set (MEEI / Emotrics_Plus 7-photo set + Sunnybrook's snarl) with one-line
 * instructions, and blendshape checks that the patient actually did the requested expression.
 * Ids are server/domain/symmetry/expressions.ts's; a test checks every id has its instructions here.
 *
 * Blendshapes CONFIRM the expression and pick the peak frame; they are not used for asymmetry (they read
 * almost equal on a synthetic hemi-palsy). Per-side blendshapes are combined with max(left, right) so that a
 * paralysed side cannot block confirmation.
 */
import type { ExpressionId } from "../../server/domain/symmetry/expressions";

export interface Blendshape {
  readonly categoryName: string;
  readonly score: number;
}

/** The expression ids are the server's (the stored snapshot's vocabulary); this file adds how to hold each one. */
export type { ExpressionId };

/** max(score of names) must be ≥ atLeast, or (for "below") < below. */
export interface BlendshapeRule {
  readonly names: readonly string[];
  readonly atLeast?: number;
  readonly below?: number;
}

export interface ExpressionDef {
  readonly id: ExpressionId;
  readonly label: string;
  /** One line, read aloud / shown during capture. */
  readonly instruction: string;
  readonly optional: boolean;
  /** Seconds to hold the expression; ~1 s of frames around the peak is kept. */
  readonly holdSeconds: number;
  /**
   * The first rule's max score is the expression score used to find the peak frame ("rest": 1 − max).
   * All rules must hold for the expression to count as confirmed.
   */
  readonly rules: readonly BlendshapeRule[];
}

const SMILE = ["mouthSmileLeft", "mouthSmileRight"];
const BLINK = ["eyeBlinkLeft", "eyeBlinkRight"];

export const EXPRESSIONS: readonly ExpressionDef[] = [
  {
    id: "rest",
    label: "Rest",
    instruction: "Relax your face, lips together, eyes open, and look at the camera.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: [...BLINK, ...SMILE, "jawOpen", "browInnerUp"], below: 0.6 }],
  },
  {
    id: "brow_raise",
    label: "Eyebrow raise",
    instruction: "Raise your eyebrows as high as you can.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: ["browInnerUp", "browOuterUpLeft", "browOuterUpRight"], atLeast: 0.5 }],
  },
  {
    id: "gentle_eye_closure",
    label: "Gentle eye closure",
    instruction: "Close your eyes gently, as if you were falling asleep.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: BLINK, atLeast: 0.5 }],
  },
  {
    id: "tight_eye_closure",
    label: "Tight eye closure",
    instruction: "Squeeze your eyes shut as tightly as you can.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: BLINK, atLeast: 0.5 }],
  },
  {
    id: "closed_smile",
    label: "Closed-lip smile",
    instruction: "Smile with your lips closed, without showing your teeth.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: SMILE, atLeast: 0.4 }],
  },
  {
    id: "big_smile",
    label: "Big smile",
    instruction: "Give a big smile showing your teeth.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: SMILE, atLeast: 0.4 }],
  },
  {
    id: "eee",
    label: "Say \u201ceee\u201d",
    instruction: "Say \u201ceee\u201d and show your lower teeth.",
    optional: false,
    holdSeconds: 2,
    rules: [{ names: ["mouthStretchLeft", "mouthStretchRight", "mouthLowerDownLeft", "mouthLowerDownRight"], atLeast: 0.3 }],
  },
  {
    id: "pucker",
    label: "Pucker",
    instruction: "Pucker your lips as if to whistle or give a kiss.",
    optional: false,
    holdSeconds: 2,
    // mouthPucker also fires on some relaxed mouths (0.8 on two rest fixtures), so require no smile as well.
    rules: [{ names: ["mouthPucker"], atLeast: 0.5 }, { names: SMILE, below: 0.4 }],
  },
  {
    id: "nose_wrinkle",
    label: "Nose wrinkle",
    instruction: "Wrinkle your nose as if something smells bad.",
    optional: true,
    holdSeconds: 2,
    rules: [{ names: ["noseSneerLeft", "noseSneerRight"], atLeast: 0.3 }],
  },
];

export function getExpression(id: ExpressionId): ExpressionDef {
  const def = EXPRESSIONS.find((e) => e.id === id);
  if (!def) throw new RangeError(`Unknown expression ${String(id)}`);
  return def;
}

function maxScore(blendshapes: readonly Blendshape[], names: readonly string[]): number {
  let best = 0;
  for (const b of blendshapes) if (names.includes(b.categoryName) && b.score > best) best = b.score;
  return best;
}

export interface ExpressionScore {
  /** 0–1; higher = more of the requested expression (for rest: more neutral). */
  readonly score: number;
  readonly confirmed: boolean;
}

/** Score one frame's blendshapes against the requested expression. */
export function expressionScore(id: ExpressionId, blendshapes: readonly Blendshape[]): ExpressionScore {
  const def = getExpression(id);
  let confirmed = true;
  let score = 0;
  def.rules.forEach((rule, i) => {
    const m = maxScore(blendshapes, rule.names);
    if (rule.atLeast !== undefined && !(m >= rule.atLeast)) confirmed = false;
    if (rule.below !== undefined && !(m < rule.below)) confirmed = false;
    if (i === 0) score = rule.below !== undefined ? 1 - m : m;
  });
  return { score, confirmed };
}

export interface ExpressionPeak {
  /** Index of the frame with the highest expression score. */
  readonly peakIndex: number;
  readonly peakScore: number;
  /** Whether the peak frame confirms the requested expression. */
  readonly confirmed: boolean;
  /** Indices of the best `topN` confirmed frames, best first (keep these and report their median). */
  readonly topIndices: readonly number[];
}

/**
 * Find the peak of the requested expression in a sequence of frames (VIDEO mode, ~1 s), using blendshape
 * scores. Frames without blendshapes are skipped. Returns null when no frame has blendshapes.
 */
export function expressionPeak(
  id: ExpressionId,
  frames: readonly (readonly Blendshape[] | null | undefined)[],
  topN = 5,
): ExpressionPeak | null {
  const scored: { index: number; score: number; confirmed: boolean }[] = [];
  frames.forEach((b, index) => {
    if (b && b.length > 0) scored.push({ index, ...expressionScore(id, b) });
  });
  if (scored.length === 0) return null;
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const peak = scored[0];
  return {
    peakIndex: peak.index,
    peakScore: peak.score,
    confirmed: peak.confirmed,
    topIndices: scored.filter((s) => s.confirmed).slice(0, Math.max(0, topN)).map((s) => s.index),
  };
}
