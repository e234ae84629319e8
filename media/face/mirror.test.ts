import { describe, expect, it } from "vitest";
import { LOWER_OUTER_LIP, SIDE_INDICES, STABLE_POINTS } from "../../server/domain/symmetry/landmarks";
import { computeExpressionMeasures } from "../../server/domain/symmetry/measures";
import { fixtureCapture } from "../../server/domain/symmetry/test-support";
import { MIRROR_INDEX, toPreviewPoint, unmirrorBlendshapes, unmirrorCapture, unmirrorLandmarks, unmirrorMatrix } from "./mirror";

describe("MIRROR_INDEX", () => {
  it("is an involution over all 478 landmarks", () => {
    expect(MIRROR_INDEX).toHaveLength(478);
    MIRROR_INDEX.forEach((j, i) => expect(MIRROR_INDEX[j]).toBe(i));
    expect(MIRROR_INDEX.filter((j, i) => j === i)).toHaveLength(28); // midline points
  });

  it("maps every right-side index set used by the measures onto the left one", () => {
    const R = SIDE_INDICES.right;
    const L = SIDE_INDICES.left;
    const m = (xs: readonly number[]) => xs.map((i) => MIRROR_INDEX[i]);
    expect(m([R.irisCentre, R.lateralCanthus, R.medialCanthus, R.commissure, R.upperLip, R.lowerLip, R.ala])).toEqual([
      L.irisCentre, L.lateralCanthus, L.medialCanthus, L.commissure, L.upperLip, L.lowerLip, L.ala,
    ]);
    expect(m(R.browUpper)).toEqual(L.browUpper);
    expect(m(R.upperLid)).toEqual(L.upperLid);
    expect(m(R.lowerLid)).toEqual(L.lowerLid);
    expect(R.lidPairs.map(m)).toEqual(L.lidPairs);
    expect(m(R.innerLipPair)).toEqual(L.innerLipPair);
    // The horizontal iris extremes swap medial ↔ medial; vertical ones stay top ↔ top.
    expect(m(R.irisRing)).toEqual([476, 475, 474, 477]);
    expect(m(LOWER_OUTER_LIP)).toEqual([...LOWER_OUTER_LIP].reverse());
    expect(new Set(m(STABLE_POINTS))).toEqual(new Set(STABLE_POINTS));
  });

  it("pairs points that really are mirror images on a real face", () => {
    const c = fixtureCapture("selfie-zoom_60cm.jpg"); // frontal, yaw −0.2°
    const mirrored = unmirrorLandmarks(c.landmarks);
    let worst = 0;
    c.landmarks.forEach((p, i) => {
      worst = Math.max(worst, Math.hypot((p.x - mirrored[i].x) * c.imageWidth, (p.y - mirrored[i].y) * c.imageHeight));
    });
    // Mirroring about x = 0.5 rather than the face midline adds the face's offset; allow a generous bound.
    expect(worst).toBeLessThan(60);
  });
});

describe("unmirror helpers", () => {
  it("recovers the true capture from one detected on a flipped frame", () => {
    const truth = fixtureCapture("london-004_rest.jpg");
    const flipped = unmirrorCapture(truth); // what inference on a flipped frame returns (the mapping is its own inverse)
    const recovered = unmirrorCapture(flipped);
    expect(recovered.landmarks).toEqual(truth.landmarks.map((l) => ({ x: 1 - (1 - l.x), y: l.y, z: l.z })));
    expect(recovered.transformationMatrix).toEqual(truth.transformationMatrix);
    expect(recovered.blendshapes).toEqual(truth.blendshapes);
    const a = computeExpressionMeasures(truth);
    const b = computeExpressionMeasures(recovered);
    expect(b.measures.commissureHeight.left).toBeCloseTo(a.measures.commissureHeight.left, 9);
  });

  it("a flipped frame analysed without unmirroring swaps the patient's sides", () => {
    const truth = computeExpressionMeasures(fixtureCapture("london-004_rest.jpg"));
    const wrong = computeExpressionMeasures(unmirrorCapture(fixtureCapture("london-004_rest.jpg")));
    expect(wrong.measures.commissureHeight.left).toBeCloseTo(truth.measures.commissureHeight.right, 9);
    expect(Math.sign(wrong.mouthMidlineDeviation)).toBe(-Math.sign(truth.mouthMidlineDeviation));
  });

  it("swaps Left/Right blendshapes, mirrors the matrix, and flips only x for the preview", () => {
    expect(unmirrorBlendshapes([{ categoryName: "mouthSmileLeft", score: 0.5 }, { categoryName: "eyeBlinkRight", score: 0.2 }, { categoryName: "jawOpen", score: 0.1 }])).toEqual([
      { categoryName: "mouthSmileRight", score: 0.5 },
      { categoryName: "eyeBlinkLeft", score: 0.2 },
      { categoryName: "jawOpen", score: 0.1 },
    ]);
    const m = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(unmirrorMatrix(unmirrorMatrix(m))).toEqual(m);
    expect(unmirrorMatrix(m).slice(0, 4)).toEqual([1, -2, -3, -4]);
    expect(toPreviewPoint({ x: 0.25, y: 0.5, z: 0 }, true)).toEqual({ x: 0.75, y: 0.5, z: 0 });
    expect(toPreviewPoint({ x: 0.25, y: 0.5, z: 0 }, false)).toEqual({ x: 0.25, y: 0.5, z: 0 });
    expect(() => unmirrorLandmarks([])).toThrow(/478/);
  });
});
