/**
 * Self-view mirroring and the patient's true left/right.
 *
 * Stored landmarks MUST come from the UNMIRRORED video frame: run `detectForVideo(videoElement, t)` on the
 * raw <video> (or an unflipped canvas) and mirror only the on-screen preview (CSS `transform: scaleX(-1)`).
 * MediaPipe does not know about mirroring: on a horizontally flipped frame it still puts index 33 / 61 / 468
 * (its "right" points) on the image's left, so a mirrored frame silently swaps the patient's sides.
 *
 * - Drawing overlays on a mirrored preview: use {@link toPreviewPoint} (flips x only; indices unchanged).
 * - If inference did run on a flipped frame, convert everything with {@link unmirrorCapture} before upload:
 *   flip x AND swap every landmark with its mirror partner, swap *Left/*Right blendshapes, and mirror the
 *   transformation matrix.
 */
import type { Blendshape } from "./expressions";

export interface NormalizedPoint {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/**
 * MIRROR_INDEX[i] = the landmark that is i's mirror image across the face midline (an involution; the 28
 * midline points map to themselves). Mesh pairs 0–467 were derived by reflecting MediaPipe's canonical face
 * model (geometry_pipeline_metadata_landmarks in face_landmarker.task; every pair matches exactly); iris
 * pairs 468–477 follow the ring order (469/474 are on the image-right of their iris centre, 470/475 on top).
 */
export const MIRROR_INDEX: readonly number[] = [
  0, 1, 2, 248, 4, 5, 6, 249, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 250, 251, 252, 253, 254, 255, 256,
  257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278,
  279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300,
  301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322,
  323, 94, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343,
  344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365,
  366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 151, 152, 380, 381, 382, 383, 384, 385,
  386, 387, 388, 389, 390, 164, 391, 392, 393, 168, 394, 395, 396, 397, 398, 399, 175, 400, 401, 402, 403, 404,
  405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 195, 419, 197, 420, 199, 200, 421, 422,
  423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444,
  445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466,
  467, 3, 7, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
  45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 95, 96, 97, 98, 99,
  100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121,
  122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
  144, 145, 146, 147, 148, 149, 150, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 165, 166, 167, 169,
  170, 171, 172, 173, 174, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192,
  193, 194, 196, 198, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218,
  219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240,
  241, 242, 243, 244, 245, 246, 247, 473, 476, 475, 474, 477, 468, 471, 470, 469, 472
];

/** Flip x of a normalised point for drawing on a mirrored (selfie) preview. Landmark indices are unchanged. */
export function toPreviewPoint<P extends NormalizedPoint>(p: P, previewMirrored: boolean): P {
  return previewMirrored ? { ...p, x: 1 - p.x } : p;
}

/** Landmarks detected on a horizontally flipped frame → landmarks of the true (unmirrored) frame. */
export function unmirrorLandmarks(landmarks: readonly NormalizedPoint[]): NormalizedPoint[] {
  if (landmarks.length !== MIRROR_INDEX.length) {
    throw new RangeError(`unmirrorLandmarks expects ${MIRROR_INDEX.length} landmarks, got ${landmarks.length}`);
  }
  return MIRROR_INDEX.map((j) => {
    const p = landmarks[j];
    return { x: 1 - p.x, y: p.y, z: p.z };
  });
}

/** Swap *Left / *Right blendshape names (they follow the image, not the patient, on a flipped frame). */
export function unmirrorBlendshapes(blendshapes: readonly Blendshape[]): Blendshape[] {
  return blendshapes.map((b) => ({
    ...b,
    categoryName: b.categoryName.endsWith("Left")
      ? `${b.categoryName.slice(0, -4)}Right`
      : b.categoryName.endsWith("Right")
        ? `${b.categoryName.slice(0, -5)}Left`
        : b.categoryName,
  }));
}

/** Mirror a column-major 4×4 transformation matrix across the x axis: F·M·F with F = diag(−1, 1, 1, 1). */
export function unmirrorMatrix(m: ArrayLike<number>): number[] {
  if (m.length !== 16) throw new RangeError(`unmirrorMatrix expects 16 numbers, got ${m.length}`);
  const out = new Array<number>(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      const flip = (r === 0) !== (c === 0);
      out[4 * c + r] = flip ? -m[4 * c + r] : m[4 * c + r];
    }
  }
  return out;
}

/** Unmirror a whole capture detected on a flipped frame (landmarks, matrix, blendshapes). */
export function unmirrorCapture<
  C extends { landmarks: readonly NormalizedPoint[]; transformationMatrix: ArrayLike<number>; blendshapes?: readonly Blendshape[] },
>(capture: C): C {
  return {
    ...capture,
    landmarks: unmirrorLandmarks(capture.landmarks),
    transformationMatrix: unmirrorMatrix(capture.transformationMatrix),
    ...(capture.blendshapes ? { blendshapes: unmirrorBlendshapes(capture.blendshapes) } : {}),
  };
}
