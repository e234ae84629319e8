import { describe, expect, it } from "vitest";
import { repeatabilityTable } from "../../../tests/fixtures/face/video-captures";
import { computeSnapshotMeasures } from "../symmetry";
import { fixtureCapture } from "../symmetry/test-support";
import { REPEATABILITY, resolutionFor, sdcOf } from "./repeatability";
import { buildTrend, keyMeasures, roundToResolution } from "./trend";

describe("repeatability measured from the fixture captures", () => {
  const table = repeatabilityTable();

  it("the stored SDs are the ones the fixtures give (to 2 digits)", () => {
    expect(table.map((r) => r.key)).toEqual(["commissureHeight", "smileAngle", "browHeight", "palpebralFissureHeight", "mouthMidlineDeviation", "smileMovementRatio", "smileEyeNarrowingLeft", "smileEyeNarrowingRight"]);
    for (const row of table) expect(REPEATABILITY[row.key as keyof typeof REPEATABILITY].sd, row.key).toBeCloseTo(row.sd, 2);
  });

  it("the SDC is 1.96·√2·SD or the day-to-day floor, and values are rounded no finer than half of it", () => {
    expect(sdcOf(1)).toBeCloseTo(2.77, 2);
    expect(REPEATABILITY.palpebralFissureHeight.sdc).toBeCloseTo(0.53, 2);
    expect(REPEATABILITY.commissureHeight.sdc).toBe(0.5);
    expect(resolutionFor(0.53)).toBe(0.2);
    expect(resolutionFor(5)).toBe(2);
    expect(roundToResolution(-2.5123, "commissureHeight")).toBe(-2.6);
    expect(roundToResolution(94.3, "smileMovementRatio")).toBe(94);
  });
});

describe("a trend against the patient's own baseline", () => {
  const at = (d: string) => new Date(`2026-03-${d}T09:00:00Z`);
  const rest = computeSnapshotMeasures({ captures: [fixtureCapture("london-004_rest.jpg"), fixtureCapture("london-004_smile.jpg", "big_smile")] });
  const droop = computeSnapshotMeasures({ captures: [fixtureCapture("london-004_rest_synthetic-left-droop.jpg"), fixtureCapture("london-004_smile.jpg", "big_smile")] });

  it("a repeat of the same face is within the usual variation; the synthetic 4 mm droop is beyond it", () => {
    const series = buildTrend([
      { id: "a", capturedAt: at("01"), result: rest },
      { id: "b", capturedAt: at("08"), result: rest },
      { id: "c", capturedAt: at("15"), result: droop },
    ]);
    const ch = series.find((s) => s.def.key === "commissureHeight")!;
    expect(ch.points.map((p) => p.beyondNoise)).toEqual([false, false, true]);
    expect(ch.band!.upper - ch.band!.lower).toBeCloseTo(2 * REPEATABILITY.commissureHeight.sdc, 0);
    // Every value is a whole number of resolution steps.
    for (const p of ch.points) expect(Math.abs(p.value / ch.resolution - Math.round(p.value / ch.resolution))).toBeLessThan(1e-9);
  });

  it("the affected side from the intake orients differences: 'your left (affected) side minus your right'", () => {
    const left = buildTrend([{ id: "a", capturedAt: at("01"), result: rest }], { affectedSide: "left" }).find((s) => s.def.key === "commissureHeight")!;
    const right = buildTrend([{ id: "a", capturedAt: at("01"), result: rest }], { affectedSide: "right" }).find((s) => s.def.key === "commissureHeight")!;
    expect(left.differenceLabel).toBe("your left (affected) side minus your right");
    expect(right.differenceLabel).toBe("your right (affected) side minus your left");
    expect(left.points[0]!.value).toBeCloseTo(-right.points[0]!.value, 6);
  });

  it("charts synkinesis: each eye's narrowing during the smile", () => {
    const series = buildTrend([{ id: "a", capturedAt: at("01"), result: rest }]);
    const left = series.find((s) => s.def.key === "smileEyeNarrowingLeft")!;
    expect(left.def.group).toBe("synkinesis");
    expect(left.points[0]!.value).toBeGreaterThan(0);
    expect(left.points[0]!.value).toBeLessThan(30);
    expect(series.find((s) => s.def.key === "puckerEyeNarrowingLeft")!.points).toEqual([]);
  });

  it("key measures never name a side from a single image: they say which side is subtracted", () => {
    const km = keyMeasures(rest);
    expect(km.find((m) => m.key === "commissureHeight")!.label).toBe("Mouth corner height at rest (your left side minus your right)");
    expect(km.some((m) => /lower|droop|weaker side is/i.test(m.label))).toBe(false);
  });
});
