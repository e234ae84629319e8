/**
 * Versioned constants of the symmetry algorithm. Bump SYMMETRY_ALGORITHM_VERSION whenever a definition,
 * index set or constant changes, so stored results can be recomputed from the stored landmarks.
 *   1.0.0: first version (definitions of docs/research/face-symmetry.md §2).
 *   2.0.0: static measures in the head's own frame (landmarks de-rotated by the pose estimated from them);
 *          inter-canthal width and the landmark pose kept per expression (docs/face-measures.md).
 */
export const SYMMETRY_ALGORITHM_VERSION = "2.0.0";

/** Mean human iris diameter used as the ruler (Emotrics / MEEI convention). Stored with every result. */
export const IRIS_DIAMETER_MM = 11.77;

/**
 * A dynamic ratio (affected/healthy or min/max movement) is only reported when the healthy (or, side unknown,
 * the larger) movement is at least this many mm; below it the ratio is noise.
 */
export const MIN_HEALTHY_MOVEMENT_MM = 3;

/** Head-pose limits of the capture gate, in degrees (engineering choices; notes §4). */
export const POSE_LIMITS_DEG = { yaw: 10, pitch: 15, roll: 15 } as const;

/** Smallest iris diameter in px the capture gate accepts. */
export const MIN_CAPTURE_IRIS_PX = 12;

/** Palpebral fissure height below which the eye counts as closed and MRD1/MRD2 are undefined. */
export const EYE_CLOSED_PFH_MM = 2.5;

/** eFACE-style indices are clipped to 0–200. */
export const RATIO_CLIP = { min: 0, max: 200 } as const;

/** Fewest accepted frames one expression is the median of. */
export const MIN_FRAMES = 10;
/** Most frames one expression may carry (about 2 s at 15 fps). */
export const MAX_FRAMES = 30;
