import { describe, expect, it } from "vitest";
import { intercanthalWidthMm, poseGate, rulerAgreement } from "./capture-gates";
import { computeExpressionMeasures, STATIC_MEASURE_KEYS, toPixels } from "./index";
import { poseFromLandmarks } from "./landmark-pose";
import { fixtureCapture, fixtures, rotateCapture3d } from "./test-support";
import type { ExpressionCapture } from "./validate-snapshot";

const REST = "london-004_rest.jpg";
const poseOf = (c: ExpressionCapture) => poseFromLandmarks(toPixels(c.landmarks, c.imageWidth, c.imageHeight));

describe("pose from the landmarks themselves", () => {
  it("agrees with the transformation matrix within 2.5° on every fixture", () => {
    for (const [name, im] of Object.entries(fixtures.images)) {
      const c = fixtureCapture(name);
      const a = poseOf(c);
      const m = im.matrix;
      const deg = 180 / Math.PI;
      expect(Math.abs(a.yawDeg - Math.asin(-m[2]!) * deg), `${name} yaw`).toBeLessThan(2.5);
      expect(Math.abs(a.pitchDeg - Math.atan2(m[6]!, m[10]!) * deg), `${name} pitch`).toBeLessThan(2.5);
      expect(Math.abs(a.rollDeg - Math.atan2(m[1]!, m[0]!) * deg), `${name} roll`).toBeLessThan(2.5);
    }
  });

  it("follows landmarks that were rotated while the matrix was not", () => {
    const turned = rotateCapture3d(fixtureCapture(REST), 15, 20);
    const p = poseOf(turned);
    expect(p.yawDeg).toBeGreaterThan(15);
    expect(p.pitchDeg).toBeGreaterThan(15);
  });
});

describe("pose gates (|yaw| ≤ 10°, |pitch| ≤ 15°, |roll| ≤ 15°)", () => {
  it("accepts the frontal fixtures", () => {
    for (const name of ["london-004_rest.jpg", "london-004_smile.jpg", "london-025_rest.jpg", "selfie-lisa_frontal.jpg", "selfie-zoom_60cm.jpg"]) {
      expect(poseGate(fixtureCapture(name)), name).toBeNull();
    }
  });

  it("refuses a yaw of 15° and names the gate, even when only the landmarks were turned", () => {
    const f = poseGate(rotateCapture3d(fixtureCapture(REST), 15, 0));
    expect(f?.gate).toBe("yaw");
    expect(f?.message).toMatch(/turned 1[5-9]\.\d° \(yaw, by the face points\); at most 10° is accepted/);
  });

  it("refuses a pitch of 20°", () => {
    expect(poseGate(rotateCapture3d(fixtureCapture(REST), 0, 20))?.gate).toBe("pitch");
    expect(poseGate(rotateCapture3d(fixtureCapture(REST), 0, -20))?.gate).toBe("pitch");
  });

  it("refuses the selfie with the head rolled 20°", () => {
    expect(poseGate(fixtureCapture("selfie-lisa_head-roll.jpg"))?.gate).toBe("roll");
  });
});

describe("static measures in the head's own frame", () => {
  it("a 10° yaw or a 15° pitch changes no left − right difference by more than 0.05 mm (or °)", () => {
    const base = computeExpressionMeasures(fixtureCapture(REST));
    for (const [yaw, pitch] of [
      [10, 0],
      [-10, 0],
      [0, 15],
      [0, -15],
      [8, 12],
    ] as const) {
      const turned = computeExpressionMeasures(rotateCapture3d(fixtureCapture(REST), yaw, pitch));
      for (const key of STATIC_MEASURE_KEYS) {
        const a = base.measures[key];
        const b = turned.measures[key];
        if (a.left === null || a.right === null || b.left === null || b.right === null) continue;
        expect(Math.abs(b.left - b.right - (a.left - a.right)), `${key} at yaw ${yaw}°, pitch ${pitch}°`).toBeLessThan(0.05);
      }
      expect(Math.abs(turned.mouthMidlineDeviation - base.mouthMidlineDeviation)).toBeLessThan(0.05);
    }
  });
});

describe("two rulers: the iris and the baseline's inter-canthal width", () => {
  const baseline = intercanthalWidthMm(fixtureCapture(REST));

  it("agree on the same person's later captures", () => {
    expect(baseline).toBeGreaterThan(25);
    expect(baseline).toBeLessThan(40);
    expect(rulerAgreement(fixtureCapture(REST), baseline)).toBeNull();
    expect(rulerAgreement(fixtureCapture("london-004_smile.jpg"), baseline)).toBeNull();
  });

  /** Iris rings grown by `factor` about their centres (a mis-detected iris). */
  function irisScaled(c: ExpressionCapture, factor: number): ExpressionCapture {
    const landmarks = c.landmarks.slice();
    for (const [centre, ring] of [
      [468, [469, 470, 471, 472]],
      [473, [474, 475, 476, 477]],
    ] as const) {
      const o = landmarks[centre]!;
      for (const i of ring) {
        const p = landmarks[i]!;
        landmarks[i] = { x: o.x + (p.x - o.x) * factor, y: o.y + (p.y - o.y) * factor, z: p.z };
      }
    }
    return { ...c, landmarks };
  }

  it("disagree by more than 10 % when the iris rings are 20 % too large, with a readable reason", () => {
    const f = rulerAgreement(irisScaled(fixtureCapture(REST), 1.2), baseline);
    expect(f?.gate).toBe("ruler");
    expect(f?.message).toMatch(/the two rulers disagree by 17 %/);
    expect(rulerAgreement(irisScaled(fixtureCapture(REST), 0.85), baseline)?.gate).toBe("ruler");
    expect(rulerAgreement(irisScaled(fixtureCapture(REST), 1.05), baseline)).toBeNull();
  });
});
