/**
 * Live feedback during home practice, computed in the browser from each frame's landmarks and blendshapes
 * (nothing leaves the device): how far each mouth corner has moved from the patient's own resting position,
 * how closed each eye is, and a gentle cue when the eye on the affected side narrows during a mouth exercise
 * (synkinesis). Distances are in iris diameters' worth of mm (11.77 mm), so they do not depend on the distance
 * to the camera. Left / right are the patient's own sides (landmarks from the unmirrored frame).
 */
import type { Blendshape } from "./expressions";

interface Point {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

const IRIS_MM = 11.77;
const RIGHT_CORNER = 61;
const LEFT_CORNER = 291;
/** Points the face's expressions barely move (medial canthi, nasal bridge): the anchor for the corners. */
const ANCHOR = [133, 362, 168, 6, 197];
/** An eye counts as narrowing when its blink score is this much above its resting score. */
export const NARROWING_THRESHOLD = 0.25;

export interface PracticeFrame {
  readonly landmarks: readonly Point[];
  readonly width: number;
  readonly height: number;
  readonly blendshapes: readonly Blendshape[];
}

export interface RestReference {
  readonly rightCorner: { x: number; y: number };
  readonly leftCorner: { x: number; y: number };
  readonly blinkLeft: number;
  readonly blinkRight: number;
}

export interface PracticeFeedback {
  /** Mouth-corner movement from rest, mm. */
  readonly mouthLeftMm: number;
  readonly mouthRightMm: number;
  /** 0–1 eye closure per side (the landmarker's blink score). */
  readonly eyeClosureLeft: number;
  readonly eyeClosureRight: number;
  /** The affected side's eye narrows during a mouth exercise. */
  readonly synkinesisCue: boolean;
}

function score(blendshapes: readonly Blendshape[], name: string): number {
  return blendshapes.find((b) => b.categoryName === name)?.score ?? 0;
}

/** Corner positions relative to the anchor, in mm, from one frame. */
function corners(f: PracticeFrame): { right: { x: number; y: number }; left: { x: number; y: number } } {
  const px = (i: number) => ({ x: f.landmarks[i]!.x * f.width, y: f.landmarks[i]!.y * f.height });
  const iris = (a: number, b: number) => Math.hypot(px(a).x - px(b).x, px(a).y - px(b).y);
  const mmPerPx = IRIS_MM / (0.25 * (iris(469, 471) + iris(470, 472) + iris(474, 476) + iris(475, 477)));
  const anchor = ANCHOR.map(px).reduce((s, p) => ({ x: s.x + p.x / ANCHOR.length, y: s.y + p.y / ANCHOR.length }), { x: 0, y: 0 });
  const rel = (i: number) => ({ x: (px(i).x - anchor.x) * mmPerPx, y: (px(i).y - anchor.y) * mmPerPx });
  return { right: rel(RIGHT_CORNER), left: rel(LEFT_CORNER) };
}

/** The resting reference, from a frame taken while the patient relaxes. */
export function restReference(f: PracticeFrame): RestReference {
  const c = corners(f);
  return { rightCorner: c.right, leftCorner: c.left, blinkLeft: score(f.blendshapes, "eyeBlinkLeft"), blinkRight: score(f.blendshapes, "eyeBlinkRight") };
}

/** Feedback for one frame against the resting reference. `mouthExercise`: the current exercise moves the mouth. */
export function practiceFeedback(f: PracticeFrame, rest: RestReference, options: { affectedSide: "left" | "right" | null; mouthExercise: boolean }): PracticeFeedback {
  const c = corners(f);
  const moved = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
  const eyeClosureLeft = score(f.blendshapes, "eyeBlinkLeft");
  const eyeClosureRight = score(f.blendshapes, "eyeBlinkRight");
  const narrowing = (side: "left" | "right") =>
    side === "left" ? eyeClosureLeft - rest.blinkLeft >= NARROWING_THRESHOLD : eyeClosureRight - rest.blinkRight >= NARROWING_THRESHOLD;
  return {
    mouthLeftMm: moved(c.left, rest.leftCorner),
    mouthRightMm: moved(c.right, rest.rightCorner),
    eyeClosureLeft,
    eyeClosureRight,
    synkinesisCue: options.mouthExercise && options.affectedSide !== null && narrowing(options.affectedSide),
  };
}
