/**
 * A patient's symmetry trend from stored snapshot results: each key measure over time, against the
 * patient's own first snapshot, with the healthy-face band around that baseline. Pure; used by the trend
 * page (patient and therapist) and the in-call panel. A rough personal view, never a grade.
 */
import { HEALTHY_BAND, type BandedMeasure } from "../symmetry/healthy-band";
import type { SymmetryResult } from "../symmetry/measures";

export type TrendMeasureKey = BandedMeasure | "smileMovementRatio";

export interface TrendMeasureDef {
  readonly key: TrendMeasureKey;
  readonly label: string;
  /** Plain-language help shown under the chart. */
  readonly help: string;
  readonly unit: "mm" | "°" | "%";
}

/** The measures charted, in order. L − R values: positive means the patient's LEFT value is larger. */
export const TREND_MEASURES: readonly TrendMeasureDef[] = [
  { key: "commissureHeight", label: "Mouth corner height at rest (left − right)", help: "Positive: the left mouth corner sits lower than the right.", unit: "mm" },
  { key: "smileAngle", label: "Smile angle at rest (left − right)", help: "Positive: the left corner turns up more than the right.", unit: "°" },
  { key: "browHeight", label: "Eyebrow height at rest (left − right)", help: "Positive: the left eyebrow sits higher than the right.", unit: "mm" },
  { key: "palpebralFissureHeight", label: "Eye opening at rest (left − right)", help: "Positive: the left eye is open wider than the right.", unit: "mm" },
  { key: "mouthMidlineDeviation", label: "Mouth centre shift at rest", help: "Positive: the mouth is pulled towards your left.", unit: "mm" },
  {
    key: "smileMovementRatio",
    label: "Smile movement balance (weaker ÷ stronger side)",
    help: "How far the weaker mouth corner moves in a big smile compared with the stronger one; 100 % = both move the same.",
    unit: "%",
  },
];

/** Healthy people's smile movement balance (notes §6.4: 0.72–0.99 on 12 healthy faces). */
export const SMILE_RATIO_HEALTHY = { lower: 72, upper: 100 } as const;

export interface TrendSnapshotInput {
  readonly id: string;
  readonly capturedAt: Date;
  readonly result: SymmetryResult;
}

export interface TrendPoint {
  readonly snapshotId: string;
  readonly capturedAt: string;
  readonly value: number;
  /** value − baseline value. */
  readonly change: number;
}

export interface TrendSeries {
  readonly def: TrendMeasureDef;
  readonly baseline: number | null;
  /** Band drawn on the chart: the healthy variation around the baseline (or the healthy range for the ratio). */
  readonly band: { readonly lower: number; readonly upper: number } | null;
  readonly points: readonly TrendPoint[];
}

/** The value of one trend measure in one snapshot, or null when the needed expression is missing. */
export function trendValue(result: SymmetryResult, key: TrendMeasureKey): number | null {
  if (key === "smileMovementRatio") {
    const smile = result.expressions.find((e) => e.expression === "big_smile") ?? result.expressions.find((e) => e.expression === "closed_smile");
    const ratio = smile?.dynamicAsymmetry?.commissureMovement.minMaxRatio;
    return typeof ratio === "number" ? round(ratio * 100, 1) : null;
  }
  const rest = result.expressions.find((e) => e.expression === "rest");
  if (!rest) return null;
  if (key === "mouthMidlineDeviation") return round(rest.static.mouthMidlineDeviation, 2);
  const d = rest.staticAsymmetry[key]?.leftMinusRight;
  return typeof d === "number" ? round(d, 2) : null;
}

export function buildTrend(snapshots: readonly TrendSnapshotInput[]): TrendSeries[] {
  const ordered = [...snapshots].sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime());
  return TREND_MEASURES.map((def) => {
    const values = ordered.map((s) => ({ s, value: trendValue(s.result, def.key) })).filter((v): v is { s: TrendSnapshotInput; value: number } => v.value !== null);
    const baseline = values[0]?.value ?? null;
    let band: TrendSeries["band"] = null;
    if (def.key === "smileMovementRatio") band = SMILE_RATIO_HEALTHY;
    else if (baseline !== null) {
      const b = HEALTHY_BAND[def.key];
      band = { lower: round(baseline - b.p90, 2), upper: round(baseline + b.p90, 2) };
    }
    return {
      def,
      baseline,
      band,
      points: values.map(({ s, value }) => ({ snapshotId: s.id, capturedAt: s.capturedAt.toISOString(), value, change: baseline === null ? 0 : round(value - baseline, 2) })),
    };
  });
}

/** The key measures of one snapshot, for an entry card or the in-call panel. */
export function keyMeasures(result: SymmetryResult): { key: TrendMeasureKey; label: string; unit: string; value: number }[] {
  const out: { key: TrendMeasureKey; label: string; unit: string; value: number }[] = [];
  for (const def of TREND_MEASURES) {
    const value = trendValue(result, def.key);
    if (value !== null) out.push({ key: def.key, label: def.label, unit: def.unit, value });
  }
  return out;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
