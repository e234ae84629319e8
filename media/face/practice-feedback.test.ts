import { describe, expect, it } from "vitest";
import { fixtureCapture } from "../../server/domain/symmetry/test-support";
import { practiceFeedback, restReference, type PracticeFrame } from "./practice-feedback";

const frame = (name: string, blendshapes?: { categoryName: string; score: number }[]): PracticeFrame => {
  const c = fixtureCapture(name);
  return { landmarks: c.landmarks, width: c.imageWidth, height: c.imageHeight, blendshapes: blendshapes ?? c.blendshapes ?? [] };
};

describe("live practice feedback from the fixture landmarks", () => {
  const rest = restReference(frame("london-004_rest.jpg"));

  it("a real smile moves both mouth corners several mm; at rest nothing moves", () => {
    const still = practiceFeedback(frame("london-004_rest.jpg"), rest, { affectedSide: "left", mouthExercise: true });
    expect(still.mouthLeftMm).toBeLessThan(0.01);
    const smile = practiceFeedback(frame("london-004_smile.jpg"), rest, { affectedSide: "left", mouthExercise: true });
    expect(smile.mouthLeftMm).toBeGreaterThan(3);
    expect(smile.mouthRightMm).toBeGreaterThan(3);
  });

  it("on the synthetic left-flaccid smile the left corner moves less than the right", () => {
    const f = practiceFeedback(frame("london-004_smile_synthetic-left-flaccid.jpg"), rest, { affectedSide: "left", mouthExercise: true });
    expect(f.mouthLeftMm).toBeLessThan(f.mouthRightMm);
  });

  it("cues synkinesis only when the affected side's eye narrows during a mouth exercise", () => {
    const narrowed = frame("london-004_smile.jpg", [
      { categoryName: "eyeBlinkLeft", score: rest.blinkLeft + 0.4 },
      { categoryName: "eyeBlinkRight", score: rest.blinkRight },
    ]);
    expect(practiceFeedback(narrowed, rest, { affectedSide: "left", mouthExercise: true }).synkinesisCue).toBe(true);
    expect(practiceFeedback(narrowed, rest, { affectedSide: "right", mouthExercise: true }).synkinesisCue).toBe(false);
    expect(practiceFeedback(narrowed, rest, { affectedSide: "left", mouthExercise: false }).synkinesisCue).toBe(false);
    expect(practiceFeedback(narrowed, rest, { affectedSide: null, mouthExercise: true }).synkinesisCue).toBe(false);
  });
});
