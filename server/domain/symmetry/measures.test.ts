import { describe, expect, it } from "vitest";
import { unmirrorCapture } from "../../../media/face/mirror";
import {
  IRIS_DIAMETER_MM,
  MIN_HEALTHY_MOVEMENT_MM,
  SYMMETRY_ALGORITHM_VERSION,
  computeDynamicMeasures,
  computeExpressionMeasures,
  computeSnapshotMeasures,
  needsRecompute,
  SymmetryInputError,
  STATIC_MEASURE_KEYS,
  type ExpressionMeasures,
  type StaticMeasureKey,
} from "./index";
import { compareWithBaseline, classifyLeftRightDifference, HEALTHY_BAND, lowerSide, type BandClass } from "./healthy-band";
import { sideAsymmetry } from "./measures";
import { fixtureCapture, HEALTHY_IMAGES, transformCapture } from "./test-support";

const REST_004 = "london-004_rest.jpg";
const SMILE_004 = "london-004_smile.jpg";
const DROOP_004 = "london-004_rest_synthetic-left-droop.jpg";
const FLACCID_004 = "london-004_smile_synthetic-left-flaccid.jpg";

function staticOf(name: string, expression: Parameters<typeof fixtureCapture>[1] = "rest"): ExpressionMeasures {
  return computeExpressionMeasures(fixtureCapture(name, expression));
}

function lr(m: ExpressionMeasures, key: StaticMeasureKey): number {
  const v = m.measures[key];
  return (v.left as number) - (v.right as number);
}

describe("measures against the research notes (§6.2 per-fixture table)", () => {
  it("stays within 1.5 mm / 1.5° of the published 2-D values for london-004 at rest (now in the head's own frame)", () => {
    const m = staticOf(REST_004);
    // The notes' values are 2-D projections of a head turned 2.8° (yaw) and −2.4° (pitch); the measures now
    // undo that pose, so they differ slightly; the yaw-sensitive mouth midline moves most.
    const near = (value: number | null, published: number, tol = 1.5) => expect(Math.abs((value as number) - published)).toBeLessThan(tol);
    near(m.frame.ipdMm, 56.7, 0.5);
    near(m.frame.irisDiameterPx, 37.8, 0.2);
    near(m.measures.browHeight.right, 22.5);
    near(m.measures.browHeight.left, 21.7);
    near(m.measures.palpebralFissureHeight.right, 8.5, 0.3);
    near(m.measures.commissureHeight.right, 69.3);
    near(m.measures.commissureHeight.left, 66.7);
    near(m.measures.commissureExcursion.left, 27.8);
    near(m.measures.smileAngle.right, 103.4);
    near(m.measures.oralOcularDistance.right, 69.7);
    expect(m.mouthMidlineDeviation).toBeGreaterThan(1.5);
    expect(m.mouthMidlineDeviation).toBeLessThan(2.9);
  });

  it("gives plausible IPD (50–75 mm) and eye/brow values on every fixture", () => {
    for (const name of [...HEALTHY_IMAGES, DROOP_004, FLACCID_004]) {
      const m = staticOf(name);
      expect(m.frame.ipdMm).toBeGreaterThan(55);
      expect(m.frame.ipdMm).toBeLessThan(68);
      for (const side of ["left", "right"] as const) {
        expect(m.measures.browHeight[side]).toBeGreaterThan(15);
        expect(m.measures.browHeight[side]).toBeLessThan(30);
        expect(m.measures.palpebralFissureHeight[side]).toBeGreaterThan(6);
        expect(m.measures.palpebralFissureHeight[side]).toBeLessThan(12);
      }
    }
  });

  it("warns (but still measures) when the head is rolled beyond 15°", () => {
    const m = staticOf("selfie-lisa_head-roll.jpg");
    expect(m.frame.imageRollDeg).toBeCloseTo(-19.4, 1);
    expect(m.frame.warnings.some((w) => w.startsWith("roll"))).toBe(true);
    expect(staticOf(REST_004).frame.warnings).toEqual([]);
  });

  it("leaves MRD1/MRD2 undefined for eye-closure expressions", () => {
    const m = staticOf(REST_004, "gentle_eye_closure");
    expect(m.measures.mrd1.left).toBeNull();
    expect(m.measures.mrd2.right).toBeNull();
  });
});

describe("healthy faces fall within the healthy band", () => {
  const EYES_AND_BROWS: StaticMeasureKey[] = ["browHeight", "palpebralFissureHeight", "mrd1", "mrd2"];
  const classes: BandClass[] = [];

  // The rolled selfie (20°) is outside the roll gate: it would be refused at upload.
  for (const name of HEALTHY_IMAGES.filter((n) => n !== "selfie-lisa_head-roll.jpg")) {
    it(`${name}: no measure beyond the healthy range, eyes and brows within 0.9 mm`, () => {
      const r = computeSnapshotMeasures({ captures: [fixtureCapture(name)] });
      const asym = r.expressions[0].staticAsymmetry;
      for (const key of STATIC_MEASURE_KEYS) {
        const band = asym[key].healthyBand;
        if (band === null) continue;
        expect(band, `${name} ${key} L−R ${asym[key].leftMinusRight}`).not.toBe("outside");
        classes.push(band);
      }
      for (const key of EYES_AND_BROWS) expect(Math.abs(asym[key].leftMinusRight as number)).toBeLessThan(0.9);
      const mmd = r.expressions[0].static.mouthMidlineDeviation;
      expect(classifyLeftRightDifference("mouthMidlineDeviation", mmd)).not.toBe("outside");
    });
  }

  it("most healthy values are in the typical (p90) band", () => {
    expect(classes.length).toBeGreaterThan(50);
    const typical = classes.filter((c) => c === "typical").length / classes.length;
    // The band was measured with the 2-D method (notes §6.2); in the head's own frame a few more values sit just above p90.
    expect(typical).toBeGreaterThan(0.75);
  });
});

describe("synthetic palsy is flagged on the correct side and direction", () => {
  it("left droop at rest: against the unmodified baseline the LEFT commissure, brow and lower lid went down", () => {
    const shifts = compareWithBaseline(staticOf(REST_004), staticOf(DROOP_004));
    const by = Object.fromEntries(shifts.map((s) => [s.key, s]));
    expect(by.commissureHeight.droopingSide).toBe("left");
    expect(by.commissureHeight.shift).toBeGreaterThan(2); // truth 4 mm; MediaPipe compresses it (notes: 2.4)
    expect(by.browHeight.droopingSide).toBe("left");
    expect(by.browHeight.shift).toBeLessThan(-0.5); // truth ≈ 3 mm; notes: 0.8
    expect(by.smileAngle.droopingSide).toBe("left");
    expect(by.smileAngle.shift).toBeLessThan(-3); // notes: 4.7°
    expect(by.mrd2.droopingSide).toBe("left"); // truth 1 mm, measured ~0.16 mm
  });

  it("left droop at rest: in the single image the left brow and smile angle sit lower", () => {
    const m = staticOf(DROOP_004);
    expect(lowerSide("browHeight", m.measures.browHeight)).toBe("left");
    expect(lowerSide("smileAngle", m.measures.smileAngle)).toBe("left");
  });

  it("left droop at rest: rest → droop registration shows the left commissure moving down", () => {
    const d = computeDynamicMeasures(fixtureCapture(REST_004), fixtureCapture(DROOP_004, "rest"));
    expect(d.commissureMovement.left.up).toBeLessThan(-2);
    expect(Math.abs(d.commissureMovement.right.up)).toBeLessThan(1.5);
  });

  it("left flaccid smile: left commissure lower than right and lower than in the real smile", () => {
    const flaccid = staticOf(FLACCID_004, "big_smile");
    const real = staticOf(SMILE_004, "big_smile");
    expect(lowerSide("commissureHeight", flaccid.measures.commissureHeight)).toBe("left");
    expect(lowerSide("smileAngle", flaccid.measures.smileAngle)).toBe("left");
    expect(lowerSide("commissureHeight", real.measures.commissureHeight)).toBe("right");
    const by = Object.fromEntries(compareWithBaseline(real, flaccid).map((s) => [s.key, s]));
    expect(by.commissureHeight.droopingSide).toBe("left");
    expect(by.commissureHeight.shift).toBeGreaterThan(3);
  });
});

describe("rest → smile commissure movement (3-D similarity on stable points)", () => {
  it("is smaller on the synthetically frozen (left) side", () => {
    const d = computeDynamicMeasures(fixtureCapture(REST_004), fixtureCapture(FLACCID_004, "big_smile"));
    expect(d.commissureMovement.right.magnitude).toBeCloseTo(7.0, 0); // notes §6.3: 7.0 vs 3.3 mm
    expect(d.commissureMovement.left.magnitude).toBeCloseTo(3.3, 0);
    expect(d.commissureMovement.left.magnitude / d.commissureMovement.right.magnitude).toBeLessThan(0.55);
    expect(d.commissureMovement.right.up).toBeGreaterThan(2);
    expect(d.commissureMovement.left.up).toBeLessThan(1);
    expect(d.registration.rmsMm).toBeLessThan(1);
  });

  it("is balanced on healthy rest → smile pairs (ratio 0.72–0.99 in the notes)", () => {
    for (const [rest, smile] of [
      [REST_004, SMILE_004],
      ["london-025_rest.jpg", "london-025_smile.jpg"],
    ]) {
      const d = computeDynamicMeasures(fixtureCapture(rest), fixtureCapture(smile, "big_smile"));
      const { left, right } = d.commissureMovement;
      expect(Math.min(left.magnitude, right.magnitude) / Math.max(left.magnitude, right.magnitude)).toBeGreaterThan(0.7);
      expect(left.up).toBeGreaterThan(3);
      expect(right.up).toBeGreaterThan(3);
    }
  });

  it("snapshot profile: affected/healthy × 100 with a known side, min/max and signed L−R otherwise", () => {
    const snapshot = { captures: [fixtureCapture(REST_004), fixtureCapture(FLACCID_004, "big_smile")] };
    const known = computeSnapshotMeasures(snapshot, { affectedSide: "left" });
    const cm = known.expressions[1].dynamicAsymmetry!.commissureMovement;
    expect(cm.affectedRatio).toBeGreaterThan(35);
    expect(cm.affectedRatio).toBeLessThan(55);
    expect(cm.score).toBeCloseTo(cm.affectedRatio!, 9);
    expect(cm.leftMinusRight).toBeLessThan(-3);
    const unknown = computeSnapshotMeasures(snapshot);
    const u = unknown.expressions[1].dynamicAsymmetry!.commissureMovement;
    expect(unknown.affectedSide).toBeNull();
    expect(u.affectedRatio).toBeNull();
    expect(u.minMaxRatio).toBeCloseTo(cm.affectedRatio! / 100, 9);
    expect(unknown.expressions[0].dynamic).toBeNull(); // rest has no dynamics
  });

  it("gives no dynamic ratio when the healthy side moved less than 3 mm", () => {
    // Rest → droop: neither commissure "smiles"; the right (healthy) side moves ~1 mm.
    const r = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004), fixtureCapture(DROOP_004, "big_smile")] }, { affectedSide: "left" });
    const cm = r.expressions[1].dynamicAsymmetry!.commissureMovement;
    expect(cm.affectedRatio).toBeNull();
    expect(cm.note).toMatch(/below 3 mm/);
    expect(cm.leftMinusRight).not.toBeNull();
    expect(
      sideAsymmetry({ left: 2, right: 2.5 }, { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM }).minMaxRatio,
    ).toBeNull();
    expect(sideAsymmetry({ left: 2, right: 4 }, { orientation: "affected/healthy", minHealthyMagnitude: 3 }, "left").affectedRatio).toBe(50);
  });

  it("clips eFACE ratios to 0–200 and orients the rest PFH ratio healthy/affected", () => {
    expect(sideAsymmetry({ left: 9, right: 3 }, { orientation: "affected/healthy" }, "left").affectedRatio).toBe(200);
    expect(sideAsymmetry({ left: -1, right: 3 }, { orientation: "affected/healthy" }, "left").affectedRatio).toBe(0);
    const r = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004)] }, { affectedSide: "right" });
    const pfh = r.expressions[0].staticAsymmetry.palpebralFissureHeight;
    expect(pfh.affectedRatio).toBeCloseTo((100 * (pfh.left as number)) / (pfh.right as number), 9);
    const bh = r.expressions[0].staticAsymmetry.browHeight;
    expect(bh.affectedRatio).toBeCloseTo((100 * (bh.right as number)) / (bh.left as number), 9);
  });
});

describe("invariance to image-plane rotation, scale and translation", () => {
  const transforms = [
    { deg: 0, scale: 1, width: 2400, height: 2000, cx: 1500, cy: 900 }, // translation only
    { deg: 0, scale: 0.45, width: 900, height: 1200, cx: 450, cy: 600 }, // scale + non-square image
    { deg: 13, scale: 1, width: 2000, height: 2000, cx: 1000, cy: 1000 }, // roll
    { deg: -28, scale: 1.7, width: 3200, height: 2600, cx: 1700, cy: 1250 }, // all together
  ];

  for (const name of [REST_004, "selfie-lisa_frontal.jpg", "selfie-zoom_60cm.jpg"]) {
    it(`static measures of ${name}`, () => {
      const base = staticOf(name);
      for (const t of transforms) {
        const moved = computeExpressionMeasures(transformCapture(fixtureCapture(name), t));
        for (const key of STATIC_MEASURE_KEYS) {
          for (const side of ["left", "right"] as const) {
            expect(moved.measures[key][side] as number, `${key} ${side} ${JSON.stringify(t)}`).toBeCloseTo(base.measures[key][side] as number, 6);
          }
        }
        expect(moved.mouthMidlineDeviation).toBeCloseTo(base.mouthMidlineDeviation, 6);
        expect(moved.frame.ipdMm).toBeCloseTo(base.frame.ipdMm, 6);
      }
    });
  }

  it("dynamic measures when only the smile frame is moved", () => {
    const rest = fixtureCapture(REST_004);
    const base = computeDynamicMeasures(rest, fixtureCapture(FLACCID_004, "big_smile"));
    for (const t of transforms) {
      const d = computeDynamicMeasures(rest, transformCapture(fixtureCapture(FLACCID_004, "big_smile"), t));
      for (const side of ["left", "right"] as const) {
        expect(d.commissureMovement[side].magnitude).toBeCloseTo(base.commissureMovement[side].magnitude, 6);
        expect(d.commissureMovement[side].up).toBeCloseTo(base.commissureMovement[side].up, 6);
        expect(d.commissureMovement[side].lateral).toBeCloseTo(base.commissureMovement[side].lateral, 6);
        expect(d.browLift[side]).toBeCloseTo(base.browLift[side], 6);
      }
    }
  });
});

describe("swapping left and right mirrors the values", () => {
  for (const name of [REST_004, DROOP_004, "selfie-lisa_head-roll.jpg"]) {
    it(`static measures of ${name}`, () => {
      const a = staticOf(name);
      const b = computeExpressionMeasures(unmirrorCapture(fixtureCapture(name)));
      for (const key of STATIC_MEASURE_KEYS) {
        expect(b.measures[key].left as number, key).toBeCloseTo(a.measures[key].right as number, 9);
        expect(b.measures[key].right as number, key).toBeCloseTo(a.measures[key].left as number, 9);
        expect(lr(b, key)).toBeCloseTo(-lr(a, key), 9);
      }
      expect(b.mouthMidlineDeviation).toBeCloseTo(-a.mouthMidlineDeviation, 9);
      expect(b.frame.imageRollDeg).toBeCloseTo(-a.frame.imageRollDeg, 9);
      expect(b.frame.pose.yawDeg).toBeCloseTo(-a.frame.pose.yawDeg, 9);
      expect(b.frame.pose.rollDeg).toBeCloseTo(-a.frame.pose.rollDeg, 9);
      expect(b.frame.pose.pitchDeg).toBeCloseTo(a.frame.pose.pitchDeg, 9);
    });
  }

  it("mirrored synthetic palsy is flagged on the RIGHT, and the affected ratio follows the side", () => {
    const rest = unmirrorCapture(fixtureCapture(REST_004));
    const smile = unmirrorCapture(fixtureCapture(FLACCID_004, "big_smile"));
    const d = computeDynamicMeasures(rest, smile);
    const orig = computeDynamicMeasures(fixtureCapture(REST_004), fixtureCapture(FLACCID_004, "big_smile"));
    expect(d.commissureMovement.right.magnitude).toBeCloseTo(orig.commissureMovement.left.magnitude, 9);
    expect(d.commissureMovement.left.magnitude).toBeCloseTo(orig.commissureMovement.right.magnitude, 9);
    expect(d.midlineShift).toBeCloseTo(-orig.midlineShift, 9);
    const a = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004), fixtureCapture(FLACCID_004, "big_smile")] }, { affectedSide: "left" });
    const b = computeSnapshotMeasures({ captures: [rest, smile] }, { affectedSide: "right" });
    const ca = a.expressions[1].dynamicAsymmetry!.commissureMovement;
    const cb = b.expressions[1].dynamicAsymmetry!.commissureMovement;
    expect(cb.affectedRatio).toBeCloseTo(ca.affectedRatio!, 9);
    expect(cb.leftMinusRight).toBeCloseTo(-ca.leftMinusRight!, 9);
    const shifts = compareWithBaseline(computeExpressionMeasures(rest), computeExpressionMeasures(unmirrorCapture(fixtureCapture(DROOP_004))));
    expect(shifts.find((s) => s.key === "commissureHeight")!.droopingSide).toBe("right");
  });
});

describe("eye closure", () => {
  it("measures closure per side (synthetic: left upper lid moved onto the lower lid)", () => {
    const rest = fixtureCapture(REST_004);
    const lm = rest.landmarks.map((l) => ({ ...l }));
    for (const [up, low] of [
      [387, 373],
      [386, 374],
      [385, 380],
    ]) {
      lm[up] = { ...lm[low] };
    }
    const closed = { ...rest, expression: "gentle_eye_closure" as const, landmarks: lm };
    const d = computeDynamicMeasures(rest, closed);
    expect(d.eyeClosure.left).toBeCloseTo(1, 9);
    expect(d.eyeClosure.right).toBeCloseTo(0, 9);
    const r = computeSnapshotMeasures({ captures: [rest, closed] }, { affectedSide: "right" });
    expect(r.expressions[1].dynamicAsymmetry!.eyeClosure.affectedRatio).toBeCloseTo(0, 6);
    expect(r.expressions[1].static.measures.mrd1.left).toBeNull();
  });

  it("leaves closure undefined when the eye was not open at rest", () => {
    const rest = fixtureCapture(REST_004);
    const lm = rest.landmarks.map((l) => ({ ...l }));
    for (const [up, low] of [
      [160, 144],
      [159, 145],
      [158, 153],
    ]) {
      lm[up] = { ...lm[low] };
    }
    const d = computeDynamicMeasures({ ...rest, landmarks: lm }, { ...rest, expression: "gentle_eye_closure" });
    expect(d.eyeClosure.right).toBeNull();
    expect(d.fissureRatio.right).toBeNull();
    expect(d.eyeClosure.left).toBeCloseTo(0, 9);
  });
});

describe("versioning and recomputation", () => {
  it("records the algorithm version and the constants used", () => {
    const r = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004)] });
    expect(r.algorithmVersion).toBe(SYMMETRY_ALGORITHM_VERSION);
    expect(r.algorithmVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.constants.irisDiameterMm).toBe(IRIS_DIAMETER_MM);
    expect(IRIS_DIAMETER_MM).toBe(11.77);
    expect(r.constants.minHealthyMovementMm).toBe(3);
    expect(needsRecompute(r)).toBe(false);
    expect(needsRecompute({ algorithmVersion: "0.9.0" })).toBe(true);
  });

  it("recomputes identically from stored (JSON round-tripped) captures", () => {
    const snapshot = { captures: [fixtureCapture(REST_004), fixtureCapture(SMILE_004, "big_smile")] };
    const first = computeSnapshotMeasures(snapshot, { affectedSide: "left" });
    const stored = JSON.parse(JSON.stringify({ snapshot, result: first }));
    expect(computeSnapshotMeasures(stored.snapshot, { affectedSide: "left" })).toEqual(stored.result);
  });

  it("a different iris constant scales lengths, not angles or ratios, and is stored", () => {
    const a = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004)] });
    const b = computeSnapshotMeasures({ captures: [fixtureCapture(REST_004)] }, { irisDiameterMm: 12.2 });
    expect(b.constants.irisDiameterMm).toBe(12.2);
    const ma = a.expressions[0].static.measures;
    const mb = b.expressions[0].static.measures;
    expect(mb.browHeight.left / ma.browHeight.left).toBeCloseTo(12.2 / 11.77, 9);
    expect(mb.smileAngle.left).toBeCloseTo(ma.smileAngle.left, 9);
    expect(mb.eyeOpeningRatio.left).toBeCloseTo(ma.eyeOpeningRatio.left, 9);
  });

  it("refuses bad input with SymmetryInputError carrying the issues", () => {
    const bad = { ...fixtureCapture(REST_004), landmarks: fixtureCapture(REST_004).landmarks.slice(0, 468) };
    expect(() => computeExpressionMeasures(bad)).toThrow(SymmetryInputError);
    try {
      computeSnapshotMeasures({ captures: [bad] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SymmetryInputError);
      expect((e as SymmetryInputError).errors[0].path).toBe("captures[0].landmarks");
      expect((e as Error).message).toMatch(/exactly 478 landmarks/);
    }
    expect(() => computeSnapshotMeasures({ captures: [fixtureCapture(REST_004)] }, { affectedSide: "up" as never })).toThrow(RangeError);
  });

  it("has a healthy band for the measures in the notes", () => {
    expect(HEALTHY_BAND.palpebralFissureHeight.p90).toBeLessThan(HEALTHY_BAND.commissureExcursion.median);
    expect(classifyLeftRightDifference("browHeight", -0.5)).toBe("typical");
    expect(classifyLeftRightDifference("browHeight", 1.5)).toBe("unusual");
    expect(classifyLeftRightDifference("browHeight", 3)).toBe("outside");
    expect(classifyLeftRightDifference("innerLipGap", 3)).toBeNull();
  });
});
