/**
 * A patient's symmetry trend from stored snapshot results: each key measure over time, against the
 * patient's own first snapshot, with the healthy-face band around that baseline. Pure; used by the trend
 * page (patient and therapist) and the in-call panel. A rough personal view, never a grade.
 */
import { HEALTHY_BAND, HEALTHY_SOURCE, type BandedMeasure } from "../symmetry/healthy-band";
import { REPEATABILITY } from "./repeatability";
import type { SymmetryResult } from "../symmetry/measures";

export type SynkinesisKey =
  | "smileEyeNarrowingLeft"
  | "smileEyeNarrowingRight"
  | "puckerEyeNarrowingLeft"
  | "puckerEyeNarrowingRight"
  | "closureMouthPullLeft"
  | "closureMouthPullRight";

export type TrendMeasureKey = BandedMeasure | "smileMovementRatio" | SynkinesisKey;

export interface TrendMeasureDef {
  readonly key: TrendMeasureKey;
  readonly label: string;
  /** Plain-language help shown under the chart. */
  readonly help: string;
  readonly unit: "mm" | "°" | "%";
  /** "difference": left − right (shown as affected − other side when the side is known); "value": one number. */
  readonly kind: "difference" | "value";
  readonly group: "symmetry" | "synkinesis";
}

/** The measures charted, in order. L − R values: positive means the patient's LEFT value is larger. */
export const TREND_MEASURES: readonly TrendMeasureDef[] = [
  { key: "commissureHeight", label: "Mouth corner height at rest", help: "How much lower one mouth corner sits than the other.", unit: "mm", kind: "difference", group: "symmetry" },
  { key: "smileAngle", label: "Smile angle at rest", help: "How much more one mouth corner turns up than the other.", unit: "°", kind: "difference", group: "symmetry" },
  { key: "browHeight", label: "Eyebrow height at rest", help: "How much higher one eyebrow sits than the other.", unit: "mm", kind: "difference", group: "symmetry" },
  { key: "palpebralFissureHeight", label: "Eye opening at rest", help: "How much wider one eye is open than the other.", unit: "mm", kind: "difference", group: "symmetry" },
  { key: "mouthMidlineDeviation", label: "Mouth centre shift at rest", help: "Positive: the mouth is pulled towards your left.", unit: "mm", kind: "value", group: "symmetry" },
  {
    key: "smileMovementRatio",
    label: "Smile movement balance (weaker ÷ stronger side)",
    help: "How far the weaker mouth corner moves in a big smile compared with the stronger one; 100 % = both move the same.",
    unit: "%",
    kind: "value",
    group: "symmetry",
  },
  { key: "smileEyeNarrowingLeft", label: "Left eye narrowing during a smile", help: "How much the left eye closes while you smile (synkinesis); 0 % = not at all.", unit: "%", kind: "value", group: "synkinesis" },
  { key: "smileEyeNarrowingRight", label: "Right eye narrowing during a smile", help: "How much the right eye closes while you smile (synkinesis); 0 % = not at all.", unit: "%", kind: "value", group: "synkinesis" },
  { key: "puckerEyeNarrowingLeft", label: "Left eye narrowing during a pucker", help: "How much the left eye closes while you pucker (synkinesis).", unit: "%", kind: "value", group: "synkinesis" },
  { key: "puckerEyeNarrowingRight", label: "Right eye narrowing during a pucker", help: "How much the right eye closes while you pucker (synkinesis).", unit: "%", kind: "value", group: "synkinesis" },
  { key: "closureMouthPullLeft", label: "Left mouth corner pulled up while closing the eyes", help: "How much the eye-to-mouth-corner distance shortens on the left during gentle eye closure (synkinesis).", unit: "%", kind: "value", group: "synkinesis" },
  { key: "closureMouthPullRight", label: "Right mouth corner pulled up while closing the eyes", help: "How much the eye-to-mouth-corner distance shortens on the right during gentle eye closure (synkinesis).", unit: "%", kind: "value", group: "synkinesis" },
];

/** Healthy people's smile movement balance (docs/face-measures.md: 0.72–0.99 on 12 healthy faces). */
export const SMILE_RATIO_HEALTHY = { lower: 72, upper: 100 } as const;

export interface TrendSnapshotInput {
  readonly id: string;
  readonly capturedAt: Date;
  readonly result: SymmetryResult;
}

export interface TrendPoint {
  readonly snapshotId: string;
  readonly capturedAt: string;
  /** Rounded to the measure's resolution. */
  readonly value: number;
  /** value − baseline value, rounded. */
  readonly change: number;
  /** The change exceeds the smallest detectable change; otherwise it is within the usual variation. */
  readonly beyondNoise: boolean;
}

export interface TrendSeries {
  readonly def: TrendMeasureDef;
  /** For differences: which side is subtracted from which, for this patient. */
  readonly differenceLabel: string | null;
  readonly baseline: number | null;
  readonly sdc: number;
  readonly resolution: number;
  /** The usual variation around the baseline: baseline ± SDC. */
  readonly band: { readonly lower: number; readonly upper: number } | null;
  /** Healthy faces' range, as context only (never a grade), with its source. */
  readonly healthyBand: { readonly lower: number; readonly upper: number; readonly source: string } | null;
  readonly points: readonly TrendPoint[];
}

const SYNKINESIS: Readonly<Record<SynkinesisKey, { expressions: readonly string[]; measure: "fissureRatio" | "oralOcularRatio"; side: "left" | "right" }>> = {
  smileEyeNarrowingLeft: { expressions: ["big_smile", "closed_smile"], measure: "fissureRatio", side: "left" },
  smileEyeNarrowingRight: { expressions: ["big_smile", "closed_smile"], measure: "fissureRatio", side: "right" },
  puckerEyeNarrowingLeft: { expressions: ["pucker"], measure: "fissureRatio", side: "left" },
  puckerEyeNarrowingRight: { expressions: ["pucker"], measure: "fissureRatio", side: "right" },
  closureMouthPullLeft: { expressions: ["gentle_eye_closure", "tight_eye_closure"], measure: "oralOcularRatio", side: "left" },
  closureMouthPullRight: { expressions: ["gentle_eye_closure", "tight_eye_closure"], measure: "oralOcularRatio", side: "right" },
};

/** The raw value of one trend measure in one snapshot (L − R for differences), or null when the needed expression is missing. */
export function trendValue(result: SymmetryResult, key: TrendMeasureKey): number | null {
  if (key === "smileMovementRatio") {
    const smile = result.expressions.find((e) => e.expression === "big_smile") ?? result.expressions.find((e) => e.expression === "closed_smile");
    const ratio = smile?.dynamicAsymmetry?.commissureMovement.minMaxRatio;
    return typeof ratio === "number" ? ratio * 100 : null;
  }
  if (key in SYNKINESIS) {
    const s = SYNKINESIS[key as SynkinesisKey];
    const e = s.expressions.map((x) => result.expressions.find((r) => r.expression === x)).find((r) => r?.dynamic);
    const ratio = e?.dynamic?.[s.measure][s.side];
    return typeof ratio === "number" ? (1 - ratio) * 100 : null;
  }
  const rest = result.expressions.find((e) => e.expression === "rest");
  if (!rest) return null;
  if (key === "mouthMidlineDeviation") return rest.static.mouthMidlineDeviation;
  const d = rest.staticAsymmetry[key as Exclude<BandedMeasure, "mouthMidlineDeviation">]?.leftMinusRight;
  return typeof d === "number" ? d : null;
}

/** Rounds to the measure's resolution (never finer than its noise). */
export function roundToResolution(value: number, key: TrendMeasureKey): number {
  const step = REPEATABILITY[key].resolution;
  const digits = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  return Number((Math.round(value / step) * step).toFixed(digits));
}

export interface TrendOptions {
  /** The affected side from the intake: differences are shown as affected − other side. */
  readonly affectedSide?: "left" | "right" | null;
}

/** How a difference is oriented and named for this patient. */
export function differenceLabel(affectedSide: "left" | "right" | null | undefined): string {
  if (affectedSide === "left") return "your left (affected) side minus your right";
  if (affectedSide === "right") return "your right (affected) side minus your left";
  return "your left side minus your right";
}

export function buildTrend(snapshots: readonly TrendSnapshotInput[], options: TrendOptions = {}): TrendSeries[] {
  const ordered = [...snapshots].sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime());
  const sign = options.affectedSide === "right" ? -1 : 1;
  return TREND_MEASURES.map((def) => {
    const oriented = (v: number) => (def.kind === "difference" ? sign * v : v);
    const values = ordered
      .map((s) => ({ s, raw: trendValue(s.result, def.key) }))
      .filter((v): v is { s: TrendSnapshotInput; raw: number } => v.raw !== null)
      .map(({ s, raw }) => ({ s, value: oriented(raw) }));
    const rep = REPEATABILITY[def.key];
    const baselineRaw = values[0]?.value ?? null;
    const baseline = baselineRaw === null ? null : roundToResolution(baselineRaw, def.key);
    let healthy: TrendSeries["healthyBand"] = null;
    if (def.key === "smileMovementRatio") healthy = { ...SMILE_RATIO_HEALTHY, source: HEALTHY_SOURCE.smileMovementRatio };
    else if (def.key in HEALTHY_BAND) {
      const b = HEALTHY_BAND[def.key as BandedMeasure];
      healthy = def.kind === "difference" ? { lower: -b.p90, upper: b.p90, source: HEALTHY_SOURCE.rest } : { lower: -b.p90, upper: b.p90, source: HEALTHY_SOURCE.rest };
    }
    return {
      def,
      differenceLabel: def.kind === "difference" ? differenceLabel(options.affectedSide) : null,
      baseline,
      sdc: rep.sdc,
      resolution: rep.resolution,
      band: baselineRaw === null ? null : { lower: roundToResolution(baselineRaw - rep.sdc, def.key), upper: roundToResolution(baselineRaw + rep.sdc, def.key) },
      healthyBand: healthy,
      points: values.map(({ s, value }) => {
        const change = baselineRaw === null ? 0 : value - baselineRaw;
        return {
          snapshotId: s.id,
          capturedAt: s.capturedAt.toISOString(),
          value: roundToResolution(value, def.key),
          change: roundToResolution(change, def.key),
          beyondNoise: Math.abs(change) > rep.sdc,
        };
      }),
    };
  });
}

/** The key measures of one snapshot, for an entry card or the in-call panel, rounded to their resolution. */
export function keyMeasures(result: SymmetryResult): { key: TrendMeasureKey; label: string; unit: string; value: number }[] {
  const out: { key: TrendMeasureKey; label: string; unit: string; value: number }[] = [];
  for (const def of TREND_MEASURES) {
    if (def.group !== "symmetry") continue;
    const raw = trendValue(result, def.key);
    const sign = def.kind === "difference" && result.affectedSide === "right" ? -1 : 1;
    const label = def.kind === "difference" ? `${def.label} (${differenceLabel(result.affectedSide)})` : def.label;
    if (raw !== null) out.push({ key: def.key, label, unit: def.unit, value: roundToResolution(sign * raw, def.key) });
  }
  return out;
}


/** SD of each trend measure over snapshots of the same, unchanged face (the repeatability of a snapshot). */
export function measuredSd(results: readonly SymmetryResult[]): Partial<Record<TrendMeasureKey, number>> {
  const out: Partial<Record<TrendMeasureKey, number>> = {};
  for (const def of TREND_MEASURES) {
    const v = results.map((r) => trendValue(r, def.key)).filter((x): x is number => x !== null);
    if (v.length < 3) continue;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    out[def.key] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  }
  return out;
}
