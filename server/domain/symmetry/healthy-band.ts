/**
 * Normal left–right variation of healthy faces, for charting a patient's trend against a grey band and for
 * labelling a single |L − R|. Numbers are |L − R| over 32 real healthy images (12 London Set people × rest
 * and smile + 8 selfies), measured with MediaPipe Face Landmarker — docs/research/face-symmetry.md §4.
 * This is a small sample; treat the band as a noise floor, never as a clinical threshold, and prefer each
 * patient's own baseline.
 */
import type { Side } from "./landmarks";
import type { ExpressionMeasures, PerSide, StaticMeasureKey } from "./measures";

export interface HealthyBand {
  /** Median |L − R| of healthy faces. */
  readonly median: number;
  /** 90th percentile — the upper edge of the band drawn on trend charts. */
  readonly p90: number;
  /** Largest |L − R| seen on a healthy face. */
  readonly max: number;
  readonly unit: "mm" | "deg";
}

export type BandedMeasure = Exclude<StaticMeasureKey, "eyeOpeningRatio" | "innerLipGap"> | "mouthMidlineDeviation";

export const HEALTHY_BAND: Readonly<Record<BandedMeasure, HealthyBand>> = {
  browHeight: { median: 0.35, p90: 0.88, max: 2.24, unit: "mm" },
  palpebralFissureHeight: { median: 0.17, p90: 0.39, max: 0.7, unit: "mm" },
  mrd1: { median: 0.11, p90: 0.27, max: 0.37, unit: "mm" },
  mrd2: { median: 0.17, p90: 0.37, max: 0.48, unit: "mm" },
  commissureHeight: { median: 0.69, p90: 2.54, max: 3.63, unit: "mm" },
  commissureExcursion: { median: 2.45, p90: 4.88, max: 6.32, unit: "mm" },
  smileAngle: { median: 1.76, p90: 3.18, max: 6.64, unit: "deg" },
  upperLipHeight: { median: 0.19, p90: 0.7, max: 1.11, unit: "mm" },
  lowerLipHeight: { median: 0.2, p90: 0.7, max: 0.85, unit: "mm" },
  alarHeight: { median: 0.41, p90: 0.86, max: 1.27, unit: "mm" },
  oralOcularDistance: { median: 0.94, p90: 3.08, max: 4.02, unit: "mm" },
  mouthMidlineDeviation: { median: 1.17, p90: 2.41, max: 3.19, unit: "mm" },
};

/** Where each healthy range shown as context comes from (docs/face-measures.md, "Healthy ranges"). */
export const HEALTHY_SOURCE = {
  rest: "healthy faces at rest and smiling (32 photos: 12 people of the Face Research Lab London Set and 8 selfies of one person)",
  smileMovementRatio: "12 healthy people of the Face Research Lab London Set, rest → smile",
} as const;

/**
 * "typical": ≤ p90 of healthy faces; "unusual": above p90 but within the healthy range; "outside": beyond the
 * largest healthy value seen plus {@link HEALTHY_MAX_MARGIN} (the maximum of only 32 images underestimates the
 * population's, and the published figures are rounded).
 */
export type BandClass = "typical" | "unusual" | "outside";

/** The healthy range ends at max × this factor. */
export const HEALTHY_MAX_MARGIN = 1.1;

export function hasHealthyBand(key: string): key is BandedMeasure {
  return Object.prototype.hasOwnProperty.call(HEALTHY_BAND, key);
}

/** Classify a signed or unsigned left − right difference; null if the measure has no band. */
export function classifyLeftRightDifference(key: string, leftMinusRight: number): BandClass | null {
  if (!hasHealthyBand(key)) return null;
  const band = HEALTHY_BAND[key];
  const d = Math.abs(leftMinusRight);
  if (d <= band.p90) return "typical";
  if (d <= band.max * HEALTHY_MAX_MARGIN) return "unusual";
  return "outside";
}

/**
 * For measures with a "droop" direction: +1 = a larger value means the feature sits lower (commissure height,
 * MRD2 lower-lid sag, lip and alar heights); −1 = a smaller value means it sits lower (brow height, smile angle).
 */
export const DROOP_DIRECTION: Readonly<Partial<Record<StaticMeasureKey, 1 | -1>>> = {
  browHeight: -1,
  mrd2: 1,
  commissureHeight: 1,
  smileAngle: -1,
  upperLipHeight: 1,
  lowerLipHeight: 1,
  alarHeight: 1,
};

export type DroopKey = keyof typeof DROOP_DIRECTION;

/** The side whose feature sits lower in this capture (null if equal). */
export function lowerSide(key: DroopKey, values: PerSide<number | null>): Side | null {
  if (values.left === null || values.right === null) return null;
  const d = (values.left - values.right) * (DROOP_DIRECTION[key] ?? 1);
  return d > 0 ? "left" : d < 0 ? "right" : null;
}

export interface BaselineShift {
  readonly key: DroopKey;
  /** (L − R) now − (L − R) at baseline, in the measure's unit. */
  readonly shift: number;
  /** Side that moved DOWN relative to the other since the baseline (null if no change). */
  readonly droopingSide: Side | null;
  /** |shift| against the healthy band (a conservative noise floor for a change). */
  readonly band: BandClass | null;
}

/**
 * Change of the left–right difference since the patient's own baseline, for every measure with a droop
 * direction. Compare like with like (the same expression).
 */
export function compareWithBaseline(baseline: ExpressionMeasures, current: ExpressionMeasures): BaselineShift[] {
  const out: BaselineShift[] = [];
  for (const key of Object.keys(DROOP_DIRECTION) as DroopKey[]) {
    const b = baseline.measures[key];
    const c = current.measures[key];
    if (b.left === null || b.right === null || c.left === null || c.right === null) continue;
    const shift = c.left - c.right - (b.left - b.right);
    const d = shift * (DROOP_DIRECTION[key] ?? 1);
    out.push({
      key,
      shift,
      droopingSide: d > 0 ? "left" : d < 0 ? "right" : null,
      band: classifyLeftRightDifference(key, shift),
    });
  }
  return out;
}
