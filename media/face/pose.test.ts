import { describe, expect, it } from "vitest";
import { MIN_CAPTURE_IRIS_PX, POSE_LIMITS_DEG } from "../../server/domain/symmetry/constants";
import { EXPRESSION_IDS } from "../../server/domain/symmetry/expressions";
import { poseFromTransformationMatrix } from "../../server/domain/symmetry/head-frame";
import { fixtureCapture, fixtures, rotateCapture3d } from "../../server/domain/symmetry/test-support";
import {
  EXPRESSIONS,
  MIN_IRIS_PX,
  POSE_LIMITS,
  expressionPeak,
  expressionScore,
  irisDiameterPx,
  meanLuma,
  poseFromMatrix,
  qualityGate,
  unmirrorMatrix,
  type Blendshape,
} from "./pose";

/** Column-major 4×4 from yaw (about y), pitch (about x), roll (about z), in degrees: R = Rz(roll)·Ry(yaw)·Rx(pitch). */
function matrixFrom(yawDeg: number, pitchDeg: number, rollDeg: number): number[] {
  const [y, p, r] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180);
  const Rx = [1, 0, 0, 0, Math.cos(p), -Math.sin(p), 0, Math.sin(p), Math.cos(p)];
  const Ry = [Math.cos(y), 0, Math.sin(y), 0, 1, 0, -Math.sin(y), 0, Math.cos(y)]; // + yaw moves +x (patient's left) away from the camera (−z)
  const Rz = [Math.cos(r), -Math.sin(r), 0, Math.sin(r), Math.cos(r), 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) =>
    [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j]));
  const R = mul(Rz, mul(Ry, Rx)); // row-major
  const m = new Array<number>(16).fill(0);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) m[4 * col + row] = R[3 * row + col];
  m[14] = -40;
  m[15] = 1;
  return m;
}

const codes = (input: Parameters<typeof qualityGate>[0]) => qualityGate(input).map((p) => p.code);

describe("poseFromMatrix", () => {
  it("reads yaw/pitch/roll back from a synthetic column-major matrix", () => {
    const p = poseFromMatrix(matrixFrom(12, -7, 4));
    expect(p.yaw).toBeCloseTo(12, 6);
    expect(p.pitch).toBeCloseTo(-7, 6);
    expect(p.roll).toBeCloseTo(4, 6);
  });

  it("agrees with the server's poseFromTransformationMatrix on every fixture", () => {
    for (const im of Object.values(fixtures.images)) {
      const a = poseFromMatrix(im.matrix);
      const b = poseFromTransformationMatrix(im.matrix);
      expect(a.yaw).toBeCloseTo(b.yawDeg, 12);
      expect(a.pitch).toBeCloseTo(b.pitchDeg, 12);
      expect(a.roll).toBeCloseTo(b.rollDeg, 12);
    }
  });

  it("mirroring the matrix flips yaw and roll but not pitch", () => {
    const m = fixtures.images["london-025_smile.jpg"].matrix;
    const a = poseFromMatrix(m);
    const b = poseFromMatrix(unmirrorMatrix(m));
    expect(b.yaw).toBeCloseTo(-a.yaw, 9);
    expect(b.roll).toBeCloseTo(-a.roll, 9);
    expect(b.pitch).toBeCloseTo(a.pitch, 9);
  });
});

describe("qualityGate", () => {
  const ok = { faces: 1, matrix: matrixFrom(0, 0, 0), irisPx: 30, brightness: 120 };

  it("passes a straight, close, well-lit single face and the frontal fixtures", () => {
    expect(qualityGate(ok)).toEqual([]);
    for (const name of ["london-004_rest.jpg", "london-025_smile.jpg", "selfie-lisa_frontal.jpg", "selfie-zoom_60cm.jpg"]) {
      const c = fixtureCapture(name);
      expect(qualityGate({ faces: 1, matrix: c.transformationMatrix, irisPx: irisDiameterPx(c.landmarks, c.imageWidth, c.imageHeight) }), name).toEqual([]);
    }
  });

  it("needs exactly one face", () => {
    expect(qualityGate({ ...ok, faces: 0 })).toEqual([{ code: "no_face", message: expect.stringMatching(/can't see your face/) }]);
    expect(codes({ ...ok, faces: 2 })).toEqual(["several_faces"]);
  });

  it("rejects |yaw| > 10°, |pitch| > 15°, |roll| > 15° with a prompt in the patient's own left/right", () => {
    expect(codes({ ...ok, matrix: matrixFrom(9.9, 14.9, -14.9) })).toEqual([]);
    expect(qualityGate({ ...ok, matrix: matrixFrom(11, 0, 0) })).toEqual([{ code: "turn_right", message: "Turn your head a little to your right." }]);
    expect(qualityGate({ ...ok, matrix: matrixFrom(-11, 0, 0) })[0].message).toBe("Turn your head a little to your left.");
    expect(codes({ ...ok, matrix: matrixFrom(0, 16, 0) })).toEqual(["raise_chin"]);
    expect(codes({ ...ok, matrix: matrixFrom(0, -16, 0) })).toEqual(["lower_chin"]);
    expect(codes({ ...ok, matrix: matrixFrom(0, 0, 16) })).toEqual(["straighten"]);
    expect(codes({ ...ok, matrix: matrixFrom(20, 20, 20) })).toEqual(["turn_right", "raise_chin", "straighten"]);
  });

  it("reads the fixtures' head roll as a tilt towards the right shoulder", () => {
    const c = fixtureCapture("selfie-lisa_head-roll.jpg");
    expect(qualityGate({ faces: 1, matrix: c.transformationMatrix })).toEqual([
      { code: "straighten", message: "Hold your head straight: it is tilted towards your right shoulder." },
    ]);
    // The same head seen in a mirror is tilted towards the other shoulder.
    expect(qualityGate({ faces: 1, matrix: unmirrorMatrix(c.transformationMatrix) })[0].message).toMatch(/left shoulder/);
  });

  it("asks the patient to come closer below 12 px of iris and for more light when dark", () => {
    expect(codes({ ...ok, irisPx: 11.5 })).toEqual(["move_closer"]);
    expect(codes({ ...ok, irisPx: 12 })).toEqual([]);
    expect(qualityGate({ ...ok, brightness: 30 })).toEqual([{ code: "more_light", message: expect.stringMatching(/^More light please/) }]);
    expect(codes({ ...ok, brightness: 250 })).toEqual(["less_light"]);
  });

  it("shares its limits with the server", () => {
    expect(POSE_LIMITS).toEqual(POSE_LIMITS_DEG);
    expect(MIN_IRIS_PX).toBe(MIN_CAPTURE_IRIS_PX);
  });
});

describe("helpers", () => {
  it("measures the iris in px on non-square frames", () => {
    const c = fixtureCapture("selfie-zoom_60cm.jpg"); // 1152×1536; notes: 29.1 px mean
    const d = irisDiameterPx(c.landmarks, c.imageWidth, c.imageHeight);
    expect(d).toBeGreaterThan(27);
    expect(d).toBeLessThan(30);
    expect(irisDiameterPx([], 100, 100)).toBe(0);
  });

  it("computes mean luma of RGBA pixels", () => {
    const grey = new Uint8ClampedArray(4 * 100).fill(100);
    expect(meanLuma(grey, 1)).toBeCloseTo(100, 6);
    const red = new Uint8ClampedArray(4 * 64).map((_, i) => (i % 4 === 0 ? 255 : i % 4 === 3 ? 255 : 0));
    expect(meanLuma(red)).toBeCloseTo(0.299 * 255, 6);
    expect(meanLuma([])).toBe(0);
  });
});

describe("expressions", () => {
  const bs = (name: string): readonly Blendshape[] => fixtureCapture(name).blendshapes ?? [];

  it("lists the diary expressions with one-line instructions, in sync with the server ids", () => {
    expect(EXPRESSIONS.map((e) => e.id)).toEqual([...EXPRESSION_IDS]);
    for (const e of EXPRESSIONS) {
      expect(e.instruction).toMatch(/^[A-Z].+\.$/);
      expect(e.instruction).not.toContain("\n");
    }
    expect(EXPRESSIONS.filter((e) => e.optional).map((e) => e.id)).toEqual(["nose_wrinkle"]);
  });

  it("confirms a smile on the smile fixtures and not on rest", () => {
    expect(expressionScore("big_smile", bs("london-004_smile.jpg")).confirmed).toBe(true);
    expect(expressionScore("big_smile", bs("london-025_smile.jpg")).confirmed).toBe(true);
    expect(expressionScore("big_smile", bs("london-004_rest.jpg")).confirmed).toBe(false);
    expect(expressionScore("rest", bs("london-004_rest.jpg")).confirmed).toBe(true);
    expect(expressionScore("rest", bs("london-004_smile.jpg")).confirmed).toBe(false);
    // A hemi-smile still counts (max of left/right), so a palsy cannot block the capture.
    expect(expressionScore("closed_smile", [{ categoryName: "mouthSmileLeft", score: 0.05 }, { categoryName: "mouthSmileRight", score: 0.6 }]).confirmed).toBe(true);
  });

  it("uses the listed blendshapes for each expression", () => {
    const one = (categoryName: string, score = 0.8): Blendshape[] => [{ categoryName, score }];
    expect(expressionScore("brow_raise", one("browOuterUpRight")).confirmed).toBe(true);
    expect(expressionScore("gentle_eye_closure", one("eyeBlinkLeft")).confirmed).toBe(true);
    expect(expressionScore("tight_eye_closure", one("eyeBlinkRight")).confirmed).toBe(true);
    expect(expressionScore("eee", one("mouthStretchLeft")).confirmed).toBe(true);
    expect(expressionScore("pucker", one("mouthPucker")).confirmed).toBe(true);
    expect(expressionScore("pucker", [...one("mouthPucker"), ...one("mouthSmileLeft")]).confirmed).toBe(false);
    expect(expressionScore("nose_wrinkle", one("noseSneerLeft")).confirmed).toBe(true);
    expect(expressionScore("brow_raise", one("eyeBlinkLeft")).confirmed).toBe(false);
  });

  it("finds the peak frame and the top confirmed frames", () => {
    const frames = [0.1, 0.5, 0.9, 0.7, 0.3].map((s) => [{ categoryName: "mouthSmileLeft", score: s }]);
    const peak = expressionPeak("big_smile", [...frames, undefined]);
    expect(peak).toEqual({ peakIndex: 2, peakScore: 0.9, confirmed: true, topIndices: [2, 3, 1] });
    expect(expressionPeak("big_smile", [undefined, []])).toBeNull();
    expect(expressionPeak("rest", frames)?.peakIndex).toBe(0); // most neutral frame
  });
});

describe("quality gate from the landmarks themselves", () => {
  it("refuses a head turned 15° even when the matrix says frontal, and passes the frontal fixture", () => {
    const c = fixtureCapture("london-004_rest.jpg");
    const input = { faces: 1, matrix: c.transformationMatrix, width: c.imageWidth, height: c.imageHeight, irisPx: 30, brightness: 120 };
    expect(qualityGate({ ...input, landmarks: c.landmarks })).toEqual([]);
    const turned = rotateCapture3d(c, 15, 0);
    expect(qualityGate({ ...input, landmarks: turned.landmarks }).map((p) => p.code)).toEqual(["turn_right"]);
    const nodded = rotateCapture3d(c, 0, 20);
    expect(qualityGate({ ...input, landmarks: nodded.landmarks }).map((p) => p.code)).toEqual(["raise_chin"]);
  });
});
