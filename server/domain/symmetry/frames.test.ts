import { describe, expect, it } from "vitest";
import { computeExpressionMeasures } from "./measures";
import { validateFramedCapture } from "./frames";
import { fixtureCapture, framedFixtureCapture } from "./test-support";

describe("several frames per expression", () => {
  it("refuses fewer than ten frames and names the bad frame", () => {
    const nine = framedFixtureCapture("london-004_rest.jpg", "rest", 9);
    const r = validateFramedCapture(nine);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ path: "frames", message: "must hold 10–30 accepted frames of the expression (got 9)" });
    const bad = framedFixtureCapture("london-004_rest.jpg", "rest", 10);
    bad.frames[4]!.landmarks = bad.frames[4]!.landmarks.slice(0, 100);
    const rb = validateFramedCapture(bad);
    expect(rb.ok).toBe(false);
    if (!rb.ok) expect(rb.errors[0]!.path).toBe("frames[4].landmarks");
  });

  it("measures the median of the frames, so one frame off by 3 px (a blink of the tracker) changes nothing that matters", () => {
    const input = framedFixtureCapture("london-004_rest.jpg", "rest", 11, 0.5);
    // One frame has the left mouth corner 3 px lower.
    const w = 1350;
    input.frames[2]!.landmarks[291] = [input.frames[2]!.landmarks[291]![0], input.frames[2]!.landmarks[291]![1] + 3 / w, input.frames[2]!.landmarks[291]![2]];
    const r = validateFramedCapture(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const truth = computeExpressionMeasures(fixtureCapture("london-004_rest.jpg"));
    const median = computeExpressionMeasures(r.value.capture);
    const d = (m: typeof truth) => (m.measures.commissureHeight.left as number) - (m.measures.commissureHeight.right as number);
    expect(Math.abs(d(median) - d(truth))).toBeLessThan(0.1);
    // The spread is kept per measure: the odd frame shows in the commissure's SD, not in the brow's.
    expect(r.value.spread.frames).toBe(11);
    expect(r.value.spread.leftMinusRightSd.commissureHeight!).toBeGreaterThan(r.value.spread.leftMinusRightSd.browHeight!);
  });
});
