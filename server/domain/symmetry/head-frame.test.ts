import { describe, expect, it } from "vitest";
import { IRIS_DIAMETER_MM } from "./constants";
import { buildHeadFrame, polylineVAt, poseFromTransformationMatrix, toFrame } from "./head-frame";
import { LEFT, RIGHT, toPixels } from "./landmarks";
import { applySimilarity, fitSimilarity3d, type Vec3 } from "./similarity-fit";
import { fixtureCapture, fixtures } from "./test-support";

describe("head frame", () => {
  it("puts the iris centres on the u axis, the patient's left at +u and the chin at +v", () => {
    const c = fixtureCapture("selfie-lisa_head-roll.jpg");
    const px = toPixels(c.landmarks, c.imageWidth, c.imageHeight);
    const f = buildHeadFrame(px, IRIS_DIAMETER_MM);
    const r = toFrame(f, px[RIGHT.irisCentre]);
    const l = toFrame(f, px[LEFT.irisCentre]);
    expect(r.v).toBeCloseTo(0, 9);
    expect(l.v).toBeCloseTo(0, 9);
    expect(l.u).toBeCloseTo(-r.u, 9);
    expect(l.u - r.u).toBeCloseTo(f.ipdMm, 9);
    expect(toFrame(f, px[152]).v).toBeGreaterThan(100); // chin ~ 11 cm below the eyes
    expect(f.rollDeg).toBeCloseTo(-19.4, 1);
    expect(f.mmPerPx).toBeCloseTo(IRIS_DIAMETER_MM / f.irisDiameterPx, 12);
  });

  it("image-left of an unmirrored frame is the patient's right (notes §2)", () => {
    for (const name of Object.keys(fixtures.images)) {
      const lm = fixtures.images[name].landmarks;
      expect(lm[RIGHT.irisCentre][0]).toBeLessThan(lm[LEFT.irisCentre][0]);
      expect(lm[RIGHT.commissure][0]).toBeLessThan(lm[LEFT.commissure][0]);
    }
  });

  it("interpolates and extrapolates polylines", () => {
    const poly = [
      { u: -2, v: 1 },
      { u: 0, v: 3 },
      { u: 2, v: 3 },
    ];
    expect(polylineVAt(poly, -1)).toBe(2);
    expect(polylineVAt(poly, 1)).toBe(3);
    expect(polylineVAt(poly, -3)).toBe(0);
    expect(polylineVAt([...poly].reverse(), -1)).toBe(2);
  });
});

describe("pose from the column-major transformation matrix", () => {
  it("matches the notes' pose table", () => {
    const expected: Record<string, [number, number]> = {
      "london-004_rest.jpg": [2.8, -2.4],
      "london-025_smile.jpg": [-6.4, 0.5],
      "selfie-lisa_frontal.jpg": [2.0, 6.4],
      "selfie-lisa_head-roll.jpg": [1.1, -3.3],
    };
    for (const [name, [yaw, pitch]] of Object.entries(expected)) {
      const p = poseFromTransformationMatrix(fixtures.images[name].matrix);
      expect(p.yawDeg).toBeCloseTo(yaw, 0);
      expect(p.pitchDeg).toBeCloseTo(pitch, 0);
    }
    // Roll from the matrix has the opposite sign of the image-plane roll (+20.5° vs −19.4°).
    expect(poseFromTransformationMatrix(fixtures.images["selfie-lisa_head-roll.jpg"].matrix).rollDeg).toBeCloseTo(20.5, 0);
  });

  it("yaw sign agrees with the landmark-only fallback (nose nearer the face edge it turns towards)", () => {
    const c = fixtureCapture("london-025_smile.jpg"); // yaw −6.4°: turned towards the patient's right
    const px = toPixels(c.landmarks, c.imageWidth, c.imageHeight);
    const f = buildHeadFrame(px, IRIS_DIAMETER_MM);
    const u = (i: number) => toFrame(f, px[i]).u;
    const noseToRightEdge = Math.abs(u(1) - u(234));
    const noseToLeftEdge = Math.abs(u(454) - u(1));
    expect(noseToRightEdge).toBeLessThan(noseToLeftEdge);
    expect(poseFromTransformationMatrix(c.transformationMatrix).yawDeg).toBeLessThan(0);
  });
});

describe("3-D similarity fit", () => {
  it("recovers a known rotation, scale and translation exactly", () => {
    const src: Vec3[] = [
      [0, 0, 0],
      [10, 0, 1],
      [0, 12, -2],
      [3, 4, 9],
      [-5, 7, 2],
    ];
    const a = (25 * Math.PI) / 180;
    const truth = {
      scale: 1.8,
      rotation: [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)] as const,
      translation: [5, -3, 40] as const,
    };
    const dst = src.map((p) => applySimilarity(truth, p));
    const fit = fitSimilarity3d(src, dst);
    expect(fit.scale).toBeCloseTo(1.8, 9);
    expect(fit.rotationDeg).toBeCloseTo(25, 9);
    expect(fit.rms).toBeLessThan(1e-9);
    fit.rotation.forEach((v, i) => expect(v).toBeCloseTo(truth.rotation[i], 9));
  });

  it("refuses degenerate input", () => {
    expect(() => fitSimilarity3d([[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [1, 0, 0], [0, 1, 0]])).toThrow(/degenerate/);
    expect(() => fitSimilarity3d([[0, 0, 0]], [[0, 0, 0]])).toThrow(/at least 3/);
  });
});
