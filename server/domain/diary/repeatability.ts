/**
 * How much a trend measure moves between captures of the same, unchanged face, and what follows for showing it:
 * values are rounded to a resolution no finer than that noise, the baseline gets a band of ± the smallest
 * detectable change (SDC), and a change inside it is "within your usual variation".
 *
 * SD = the standard deviation of a snapshot's value over repeated captures of the fixture video (each capture
 * the median of 10 frames, as the capture page takes them; see computeRepeatability and `npm run bench`).
 * SDC = 1.96 · √2 · SD: the smallest change between two snapshots that is beyond that noise with 95 % confidence.
 * The fixture is one face on one camera in fixed light, so these are the floor of the real noise; each value
 * below is the measured one or, where larger, MIN_SDC (a day-to-day floor: pose within the gates and light
 * change a real capture more than a looping video).
 */
import type { TrendMeasureKey } from "./trend";

export interface Repeatability {
  /** Measured SD over repeated fixture captures (unit of the measure). */
  readonly sd: number;
  /** Smallest detectable change used on screen: max(1.96·√2·sd, the floor). */
  readonly sdc: number;
  /** Step values are rounded to on screen. */
  readonly resolution: number;
}

/** SDC from a measured SD. */
export const sdcOf = (sd: number) => 1.96 * Math.SQRT2 * sd;

/** The coarsest "nice" step that is not coarser than half the SDC (so a detectable change shows as at least two steps). */
export function resolutionFor(sdc: number): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10];
  let best = steps[0]!;
  for (const s of steps) if (s <= sdc / 2) best = s;
  return best;
}

/** Day-to-day floor of the SDC per unit (an engineering choice; see the file comment and docs/face-measures.md). */
export const MIN_SDC = { mm: 0.5, "°": 1, "%": 5 } as const;

/** sd null = no fixture capture has this expression; the floor applies. */
function entry(sd: number | null, unit: keyof typeof MIN_SDC): Repeatability & { measured: boolean } {
  const sdc = Math.max(sd === null ? 0 : sdcOf(sd), MIN_SDC[unit]);
  return { sd: sd ?? 0, measured: sd !== null, sdc: Number(sdc.toFixed(2)), resolution: resolutionFor(sdc) };
}

/**
 * Measured on the fixtures (`npm run bench` prints the table; repeatability.test.ts recomputes it): the largest of
 * the SD over consecutive 10-frame captures of the fixture video, over random 10-frame sets, and between the
 * full-resolution photo and the video of the same face (|difference| / √2).
 */
export const REPEATABILITY: Readonly<Record<TrendMeasureKey, Repeatability & { measured: boolean }>> = {
  commissureHeight: entry(0.022, "mm"),
  smileAngle: entry(0.352, "°"),
  browHeight: entry(0.072, "mm"),
  palpebralFissureHeight: entry(0.191, "mm"),
  mouthMidlineDeviation: entry(0.296, "mm"),
  smileMovementRatio: entry(1.122, "%"),
  smileEyeNarrowingLeft: entry(0.648, "%"),
  smileEyeNarrowingRight: entry(0.794, "%"),
  puckerEyeNarrowingLeft: entry(null, "%"),
  puckerEyeNarrowingRight: entry(null, "%"),
  closureMouthPullLeft: entry(null, "%"),
  closureMouthPullRight: entry(null, "%"),
  // Not charted: kept so every trend key has a resolution.
  mrd1: entry(null, "mm"),
  mrd2: entry(null, "mm"),
  commissureExcursion: entry(null, "mm"),
  upperLipHeight: entry(null, "mm"),
  lowerLipHeight: entry(null, "mm"),
  alarHeight: entry(null, "mm"),
  oralOcularDistance: entry(null, "mm"),
};
