/**
 * MediaPipe Face Landmarker topology used by the symmetry measures.
 *
 * Coordinates are MediaPipe `NormalizedLandmark`s: x is divided by the image WIDTH, y by the image
 * HEIGHT, and z is on roughly the same scale as x. Always convert to pixels with {@link toPixels}
 * (x·w, y·h, z·w) before measuring a distance, otherwise every measure on a non-square frame is skewed.
 *
 * Left / right convention: "left" and "right" always mean the PATIENT'S ANATOMICAL sides.
 * In an unmirrored camera frame MediaPipe puts the subject's right eye (33…133, iris 468) on the
 * image's LEFT, so image-left = patient's right. MediaPipe does not detect mirroring: on a flipped frame it
 * still puts index 33 on the image's left, which silently swaps the anatomical sides. Stored landmarks must
 * therefore come from the unmirrored video frame (mirror only the on-screen preview; see media/face/mirror.ts).
 *
 * Index sets come from MediaPipe's FACEMESH_* connection lists (Apache-2.0), as listed in
 * docs/research/face-symmetry.md, section 1.
 */

/** Number of landmarks Face Landmarker returns with iris refinement: 468 mesh points + 2 × 5 iris points. */
export const LANDMARK_COUNT = 478;

/** A normalised MediaPipe landmark. */
export interface Landmark {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A point in image pixels: (x·w, y·h, z·w). */
export interface PixelPoint {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** The patient's anatomical side. */
export type Side = "left" | "right";

/** Per-side landmark indices (patient's anatomical sides). */
export interface SideIndices {
  /** Iris centre (≈ pupil). */
  readonly irisCentre: number;
  /** Iris ring in MediaPipe order: [horizontal extreme, top, other horizontal extreme, bottom]. */
  readonly irisRing: readonly [number, number, number, number];
  /** Upper edge of the eyebrow, lateral → medial. */
  readonly browUpper: readonly number[];
  /** Upper lid from lateral to medial canthus. */
  readonly upperLid: readonly number[];
  /** Lower lid from lateral to medial canthus. */
  readonly lowerLid: readonly number[];
  /** (upper, lower) lid pairs used for the palpebral fissure height. */
  readonly lidPairs: readonly (readonly [number, number])[];
  readonly lateralCanthus: number;
  readonly medialCanthus: number;
  /** Oral commissure (mouth corner). */
  readonly commissure: number;
  /** Paramedian upper-lip point (vermilion top). */
  readonly upperLip: number;
  /** Paramedian lower-lip point (vermilion bottom). */
  readonly lowerLip: number;
  /** Inner-lip pair at the quarter-mouth point: (upper inner, lower inner). */
  readonly innerLipPair: readonly [number, number];
  /** Lateral alar crease. */
  readonly ala: number;
}

export const RIGHT: SideIndices = {
  irisCentre: 468,
  irisRing: [469, 470, 471, 472],
  browUpper: [70, 63, 105, 66, 107],
  upperLid: [33, 246, 161, 160, 159, 158, 157, 173, 133],
  lowerLid: [33, 7, 163, 144, 145, 153, 154, 155, 133],
  lidPairs: [
    [160, 144],
    [159, 145],
    [158, 153],
  ],
  lateralCanthus: 33,
  medialCanthus: 133,
  commissure: 61,
  upperLip: 37,
  lowerLip: 84,
  innerLipPair: [81, 178],
  ala: 129,
};

export const LEFT: SideIndices = {
  irisCentre: 473,
  irisRing: [474, 475, 476, 477],
  browUpper: [300, 293, 334, 296, 336],
  upperLid: [263, 466, 388, 387, 386, 385, 384, 398, 362],
  lowerLid: [263, 249, 390, 373, 374, 380, 381, 382, 362],
  lidPairs: [
    [387, 373],
    [386, 374],
    [385, 380],
  ],
  lateralCanthus: 263,
  medialCanthus: 362,
  commissure: 291,
  upperLip: 267,
  lowerLip: 314,
  innerLipPair: [311, 402],
  ala: 358,
};

export const SIDE_INDICES: Readonly<Record<Side, SideIndices>> = { right: RIGHT, left: LEFT };

/** Outer lower-lip contour from the right commissure to the left one (crosses the midline at 17). */
export const LOWER_OUTER_LIP: readonly number[] = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291];

/**
 * Points that barely move with facial expression, used for the rest → expression similarity fit:
 * medial canthi and the nasal bridge / forehead midline.
 */
export const STABLE_POINTS: readonly number[] = [133, 362, 168, 6, 197, 195, 8, 9, 151];

/** Midline / outline points used for plausibility checks. */
export const NOSE_TIP = 1;
export const CHIN = 152;
export const FACE_SIDE_RIGHT = 234;
export const FACE_SIDE_LEFT = 454;
/** Mesh points (without the iris), used for the face box. */
export const MESH_POINT_COUNT = 468;

/** Convert normalised landmarks to pixels: (x·w, y·h, z·w). */
export function toPixels(landmarks: readonly Landmark[], width: number, height: number): PixelPoint[] {
  const out = new Array<PixelPoint>(landmarks.length);
  for (let i = 0; i < landmarks.length; i++) {
    const l = landmarks[i];
    out[i] = { x: l.x * width, y: l.y * height, z: l.z * width };
  }
  return out;
}
