import { describe, expect, it } from "vitest";
import { computeSnapshotMeasures } from "./measures";
import { fixtureCapture, fixtures, transformCapture } from "./test-support";
import { SymmetryInputError, validateExpressionCapture, validateSnapshot, type ExpressionCapture } from "./validate-snapshot";

const REST = "london-004_rest.jpg";

function errorsOf(input: unknown) {
  const r = validateExpressionCapture(input);
  if (r.ok) throw new Error("expected validation to fail");
  return r.errors;
}

function withLandmarks(c: ExpressionCapture, landmarks: unknown): unknown {
  return { ...c, landmarks };
}

describe("validateExpressionCapture: valid input", () => {
  it("accepts every fixture", () => {
    for (const name of Object.keys(fixtures.images)) {
      const r = validateExpressionCapture(fixtureCapture(name));
      expect(r.ok, name).toBe(true);
    }
  });

  it("accepts compact [x, y, z] landmarks, MediaPipe's Matrix object, and no blendshapes", () => {
    const im = fixtures.images[REST];
    const r = validateExpressionCapture({
      expression: "big_smile",
      imageWidth: im.width,
      imageHeight: im.height,
      landmarks: im.landmarks,
      transformationMatrix: { rows: 4, columns: 4, data: im.matrix },
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.landmarks[0]).toEqual({ x: im.landmarks[0][0], y: im.landmarks[0][1], z: im.landmarks[0][2] });
      expect(r.value.transformationMatrix).toEqual(im.matrix);
      expect(r.value.blendshapes).toBeUndefined();
    }
  });
});

describe("validateExpressionCapture: bad input is refused with a clear error", () => {
  const good = fixtureCapture(REST);

  it("wrong landmark count", () => {
    const errors = errorsOf(withLandmarks(good, good.landmarks.slice(0, 468)));
    expect(errors).toEqual([{ path: "landmarks", message: expect.stringContaining("exactly 478 landmarks") }]);
    expect(errors[0].message).toContain("got 468");
    expect(errorsOf(withLandmarks(good, "nope"))[0]).toMatchObject({ path: "landmarks" });
  });

  it("NaN and non-finite values", () => {
    const lm = good.landmarks.map((l) => ({ ...l }));
    lm[17] = { x: Number.NaN, y: 0.5, z: 0 };
    lm[300] = { x: 0.5, y: Number.POSITIVE_INFINITY, z: 0 };
    const errors = errorsOf(withLandmarks(good, lm));
    expect(errors).toEqual([
      { path: "landmarks[17].x", message: "must be a finite number (got NaN)" },
      { path: "landmarks[300].y", message: "must be a finite number (got Infinity)" },
    ]);
  });

  it("summarises many bad landmarks instead of listing 478 errors", () => {
    const errors = errorsOf(withLandmarks(good, good.landmarks.map(() => ({ x: "a", y: 0, z: 0 }))));
    expect(errors.length).toBe(11);
    expect(errors[10]).toEqual({ path: "landmarks", message: "468 more invalid landmark values not listed" });
  });

  it("implausible face size: iris too small to be a ruler", () => {
    const tiny = transformCapture(good, { deg: 0, scale: 0.2, width: 1350, height: 1350, cx: 675, cy: 675 });
    const errors = errorsOf(tiny);
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe("landmarks");
    expect(errors[0].message).toMatch(/implausible face size: the iris is only 7\.\d px wide/);
  });

  it("implausible face size: pupils too far apart for the iris ruler", () => {
    // Shrink both iris rings around their centres: the ruler says the face is huge.
    const lm = good.landmarks.map((l) => ({ ...l }));
    for (const [centre, ring] of [
      [468, [469, 470, 471, 472]],
      [473, [474, 475, 476, 477]],
    ] as const) {
      for (const i of ring) {
        lm[i] = { x: lm[centre].x + 0.6 * (lm[i].x - lm[centre].x), y: lm[centre].y + 0.6 * (lm[i].y - lm[centre].y), z: lm[i].z };
      }
    }
    const errors = errorsOf(withLandmarks(good, lm));
    expect(errors[0].message).toMatch(/implausible face size: the distance between the pupils is 9\d\.\d mm .*expected 50–75 mm/);
  });

  it("face outside the image", () => {
    const shifted = good.landmarks.map((l) => ({ ...l, x: l.x + 0.4 }));
    expect(errorsOf(withLandmarks(good, shifted))[0].message).toMatch(/not fully inside the image/);
  });

  it("landmarks not in MediaPipe order", () => {
    const lm = good.landmarks.map((l) => ({ ...l }));
    [lm[152], lm[10]] = [lm[10], lm[152]]; // chin and forehead swapped
    expect(errorsOf(withLandmarks(good, lm))[0].message).toMatch(/not in Face Landmarker order/);
  });

  it("bad transformation matrix", () => {
    expect(errorsOf({ ...good, transformationMatrix: good.transformationMatrix.slice(0, 9) })[0]).toMatchObject({
      path: "transformationMatrix",
      message: expect.stringContaining("16 numbers, column-major"),
    });
    const nan = good.transformationMatrix.slice();
    nan[5] = Number.NaN;
    expect(errorsOf({ ...good, transformationMatrix: nan })).toEqual([{ path: "transformationMatrix[5]", message: "must be a finite number (got NaN)" }]);
    // Row-major by mistake: the translation lands in the bottom row.
    const m = good.transformationMatrix;
    const rowMajor = [0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3].map((c) => m[4 * c + r]));
    expect(errorsOf({ ...good, transformationMatrix: rowMajor })[0].message).toMatch(/bottom row/);
    const reflected = m.slice();
    reflected[0] = -reflected[0];
    reflected[1] = -reflected[1];
    reflected[2] = -reflected[2];
    expect(errorsOf({ ...good, transformationMatrix: reflected })[0].message).toMatch(/reflection/);
  });

  it("bad image size, expression and blendshapes", () => {
    const errors = errorsOf({ ...good, imageWidth: 0, imageHeight: 12.5, expression: "wink", blendshapes: [{ categoryName: "jawOpen", score: 1.5 }, "x"] });
    expect(errors.map((e) => e.path)).toEqual(["expression", "imageWidth", "imageHeight", "blendshapes[0].score", "blendshapes[1]"]);
    expect(errors[0].message).toContain("rest, brow_raise");
    expect(errorsOf(null)).toEqual([{ path: "", message: "must be an object (got null)" }]);
  });
});

describe("validateSnapshot", () => {
  it("accepts a set of captures and rejects duplicates with an indexed path", () => {
    expect(validateSnapshot({ captures: [fixtureCapture(REST), fixtureCapture("london-004_smile.jpg", "big_smile")] }).ok).toBe(true);
    const r = validateSnapshot({ captures: [fixtureCapture(REST), fixtureCapture(REST)] });
    expect(r).toEqual({ ok: false, errors: [{ path: "captures[1].expression", message: '"rest" is captured more than once' }] });
    expect(validateSnapshot({ captures: [] })).toMatchObject({ ok: false, errors: [{ path: "captures" }] });
  });

  it("prefixes nested errors with the capture index", () => {
    const lm = fixtureCapture(REST).landmarks.map((l) => ({ ...l }));
    lm[5] = { x: Number.NaN, y: 0, z: 0 };
    const r = validateSnapshot({ captures: [fixtureCapture(REST), { ...fixtureCapture("london-004_smile.jpg", "big_smile"), landmarks: lm }] });
    expect(r).toEqual({ ok: false, errors: [{ path: "captures[1].landmarks[5].x", message: "must be a finite number (got NaN)" }] });
    expect(() => computeSnapshotMeasures({ captures: [{ ...fixtureCapture(REST), landmarks: lm }] })).toThrow(SymmetryInputError);
  });
});
