/**
 * Head pose from the landmarks themselves (not only from MediaPipe's transformation matrix), and the
 * de-rotation that puts a face into its own frame before static measures are taken.
 *
 * The head's axes come from points that expressions barely move: x̂ from the patient's right to left
 * (canthi and the face's sides, mirror pairs), ŷ down the midline from the forehead to the nasal bridge,
 * ẑ = x̂ × ŷ (into the head). Coordinates are pixels (x·w, y·h, z·w): image x right, y down, z away from the
 * camera. The forehead → nose line leans back from the face's true vertical by a constant angle, so pitch is
 * reported relative to a calibrated neutral (LANDMARK_PITCH_OFFSET_DEG, the median difference to the matrix's
 * pitch on the fixture faces), which keeps a frontal face's measures as they were.
 */
import type { PixelPoint } from "./landmarks";
import type { HeadPose } from "./head-frame";

/** Mirror pairs (right, left) spanning the face's width: lateral canthi, medial canthi, face sides. */
const WIDTH_PAIRS: readonly (readonly [number, number])[] = [
  [33, 263],
  [133, 362],
  [234, 454],
  [127, 356],
];
/** Upper and lower midline points (forehead; nasal bridge). */
const MIDLINE_UPPER = [10, 151, 9];
const MIDLINE_LOWER = [6, 197, 195];

/** Angle (°) by which the forehead → nasal-bridge line leans back at a matrix pitch of 0 (fixture median). */
export const LANDMARK_PITCH_OFFSET_DEG = 13.7;

type V3 = [number, number, number];

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: V3, s: number): V3 => [a[0] * s, a[1] * s, a[2] * s];
const unit = (a: V3): V3 => scale(a, 1 / Math.hypot(a[0], a[1], a[2]));
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const v = (p: PixelPoint): V3 => [p.x, p.y, p.z];

function mean(points: readonly PixelPoint[], idx: readonly number[]): V3 {
  const s: V3 = [0, 0, 0];
  for (const i of idx) {
    s[0] += points[i].x;
    s[1] += points[i].y;
    s[2] += points[i].z;
  }
  return scale(s, 1 / idx.length);
}

/** The head's axes in camera pixel space: rows are x̂ (to the patient's left), ŷ (down), ẑ (into the head). */
export interface HeadAxes {
  readonly x: V3;
  readonly y: V3;
  readonly z: V3;
}

function rotateAboutX(a: HeadAxes, deg: number): HeadAxes {
  // Tilts ŷ and ẑ about x̂ so that the calibrated neutral becomes ŷ = image down.
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const y = unit([c * a.y[0] + s * a.z[0], c * a.y[1] + s * a.z[1], c * a.y[2] + s * a.z[2]]);
  return { x: a.x, y, z: cross(a.x, y) };
}

/** The head's axes from the landmarks (pixel points). */
export function headAxes(points: readonly PixelPoint[]): HeadAxes {
  let x: V3 = [0, 0, 0];
  for (const [r, l] of WIDTH_PAIRS) x = [x[0] + points[l].x - points[r].x, x[1] + points[l].y - points[r].y, x[2] + points[l].z - points[r].z];
  x = unit(x);
  const down = sub(mean(points, MIDLINE_LOWER), mean(points, MIDLINE_UPPER));
  const y = unit(sub(down, scale(x, dot(down, x))));
  return rotateAboutX({ x, y, z: cross(x, y) }, LANDMARK_PITCH_OFFSET_DEG);
}

/**
 * Yaw / pitch / roll (°) in the conventions of {@link HeadPose}: yaw + = turned towards the patient's left,
 * pitch + = chin down, roll + = tilted towards the patient's right shoulder.
 */
export function poseFromLandmarks(points: readonly PixelPoint[]): HeadPose {
  const a = headAxes(points);
  const deg = 180 / Math.PI;
  return {
    yawDeg: Math.asin(Math.max(-1, Math.min(1, a.x[2]))) * deg,
    pitchDeg: Math.asin(Math.max(-1, Math.min(1, a.y[2]))) * deg,
    rollDeg: -Math.atan2(a.x[1], a.x[0]) * deg,
  };
}

/**
 * The points seen from straight in front of the head: rotated about their centroid into the head's own axes
 * (then read orthographically as x, y). A head turned or tilted within the gates gives the same static
 * measures as a frontal one.
 */
export function deRotate(points: readonly PixelPoint[]): PixelPoint[] {
  const a = headAxes(points);
  const c = mean(points, [...WIDTH_PAIRS.flat(), ...MIDLINE_UPPER, ...MIDLINE_LOWER]);
  return points.map((p) => {
    const d = sub(v(p), c);
    return { x: c[0] + dot(d, a.x), y: c[1] + dot(d, a.y), z: c[2] + dot(d, a.z) };
  });
}
