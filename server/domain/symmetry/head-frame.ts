/**
 * Head-fixed 2-D frame from the two iris centres (removes roll; Emotrics' "line between the iris centres")
 * and the iris ruler (px → mm).
 *
 * O = midpoint of 468 (right iris centre) and 473 (left). x̂ = unit(473 − 468), pointing towards the
 * patient's LEFT; ŷ = x̂ rotated 90° so that it points towards the chin (image y grows downwards).
 * A point p becomes (u, v) = ((p − O)·x̂, (p − O)·ŷ) · mmPerPx, so u < 0 is the patient's right side and
 * v > 0 is below the iris line. Both are in mm.
 */
import { LEFT, RIGHT, type PixelPoint } from "./landmarks";

export interface FramePoint {
  /** mm along the iris line, + towards the patient's left. */
  readonly u: number;
  /** mm perpendicular to the iris line, + towards the chin. */
  readonly v: number;
}

export interface HeadFrame {
  readonly origin: { readonly x: number; readonly y: number };
  /** Unit vector from the right to the left iris centre, in image pixels. */
  readonly xAxis: { readonly x: number; readonly y: number };
  /** Unit vector towards the chin, in image pixels. */
  readonly yAxis: { readonly x: number; readonly y: number };
  /** Mean iris diameter in px (both eyes, horizontal and vertical). */
  readonly irisDiameterPx: number;
  readonly irisDiameterPxRight: number;
  readonly irisDiameterPxLeft: number;
  /** Distance between the iris centres in px (2-D). */
  readonly interIrisPx: number;
  /** The iris constant used for the ruler, in mm. */
  readonly irisDiameterMm: number;
  /** mm per pixel = irisDiameterMm / irisDiameterPx. */
  readonly mmPerPx: number;
  /** Inter-pupillary distance in mm (sanity check for the ruler: 50–75 mm in adults). */
  readonly ipdMm: number;
  /**
   * Image-plane roll in degrees: angle of the iris line against the image x axis, image y pointing down.
   * Positive = the patient's left eye is LOWER in the image (head tilted towards the left shoulder).
   */
  readonly rollDeg: number;
}

function dist2d(a: PixelPoint, b: PixelPoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function irisDiameter(points: readonly PixelPoint[], ring: readonly [number, number, number, number]): number {
  return 0.5 * (dist2d(points[ring[0]], points[ring[2]]) + dist2d(points[ring[1]], points[ring[3]]));
}

/** Iris diameters (px) of the right and left eye and their mean. */
export function irisDiametersPx(points: readonly PixelPoint[]): { right: number; left: number; mean: number } {
  const right = irisDiameter(points, RIGHT.irisRing);
  const left = irisDiameter(points, LEFT.irisRing);
  return { right, left, mean: 0.5 * (right + left) };
}

/** Build the head-fixed frame from pixel landmarks. Assumes validated input (478 finite points). */
export function buildHeadFrame(points: readonly PixelPoint[], irisDiameterMm: number): HeadFrame {
  const r = points[RIGHT.irisCentre];
  const l = points[LEFT.irisCentre];
  const dx = l.x - r.x;
  const dy = l.y - r.y;
  const interIrisPx = Math.hypot(dx, dy);
  const xAxis = { x: dx / interIrisPx, y: dy / interIrisPx };
  // Rotating (a, b) by +90° in image coordinates (y down) gives (−b, a): for x̂ = (1, 0) that is (0, 1), down.
  const yAxis = { x: -xAxis.y, y: xAxis.x };
  const iris = irisDiametersPx(points);
  const mmPerPx = irisDiameterMm / iris.mean;
  return {
    origin: { x: 0.5 * (r.x + l.x), y: 0.5 * (r.y + l.y) },
    xAxis,
    yAxis,
    irisDiameterPx: iris.mean,
    irisDiameterPxRight: iris.right,
    irisDiameterPxLeft: iris.left,
    interIrisPx,
    irisDiameterMm,
    mmPerPx,
    ipdMm: interIrisPx * mmPerPx,
    rollDeg: (Math.atan2(dy, dx) * 180) / Math.PI,
  };
}

/** Project a pixel point into the head frame (mm). */
export function toFrame(frame: HeadFrame, p: PixelPoint): FramePoint {
  const dx = p.x - frame.origin.x;
  const dy = p.y - frame.origin.y;
  return {
    u: (dx * frame.xAxis.x + dy * frame.xAxis.y) * frame.mmPerPx,
    v: (dx * frame.yAxis.x + dy * frame.yAxis.y) * frame.mmPerPx,
  };
}

/** Project all points into the head frame. */
export function projectAll(frame: HeadFrame, points: readonly PixelPoint[]): FramePoint[] {
  return points.map((p) => toFrame(frame, p));
}

/**
 * v of a polyline (chain of frame points) linearly interpolated at u. Outside the polyline's u range the
 * nearest end segment is extrapolated. Returns NaN for a degenerate polyline.
 */
export function polylineVAt(poly: readonly FramePoint[], u: number): number {
  if (poly.length === 0) return Number.NaN;
  if (poly.length === 1) return poly[0].v;
  for (let i = 0; i < poly.length - 1; i++) {
    const a = poly[i];
    const b = poly[i + 1];
    const lo = Math.min(a.u, b.u);
    const hi = Math.max(a.u, b.u);
    if (u >= lo && u <= hi) {
      if (hi - lo < 1e-12) return 0.5 * (a.v + b.v);
      const t = (u - a.u) / (b.u - a.u);
      return a.v + t * (b.v - a.v);
    }
  }
  // Outside: extrapolate the end segment nearest in u.
  const first = poly[0];
  const last = poly[poly.length - 1];
  const useStart = Math.abs(u - first.u) <= Math.abs(u - last.u);
  const a = useStart ? poly[0] : poly[poly.length - 2];
  const b = useStart ? poly[1] : poly[poly.length - 1];
  if (Math.abs(b.u - a.u) < 1e-12) return useStart ? a.v : b.v;
  return a.v + ((u - a.u) / (b.u - a.u)) * (b.v - a.v);
}

/** Point where a polyline crosses a given u (linear interpolation), or null if it never does. */
export function polylineCrossing(poly: readonly FramePoint[], u: number): FramePoint | null {
  for (let i = 0; i < poly.length - 1; i++) {
    const a = poly[i];
    const b = poly[i + 1];
    if ((a.u - u) * (b.u - u) <= 0) {
      if (Math.abs(b.u - a.u) < 1e-12) return { u, v: 0.5 * (a.v + b.v) };
      const t = (u - a.u) / (b.u - a.u);
      return { u, v: a.v + t * (b.v - a.v) };
    }
  }
  return null;
}

/** Head pose in degrees from MediaPipe's facial transformation matrix. */
export interface HeadPose {
  /** + = head turned towards the patient's LEFT. */
  readonly yawDeg: number;
  /** + = chin down (looking down). */
  readonly pitchDeg: number;
  /**
   * + = head tilted towards the patient's RIGHT shoulder (their left eye higher).
   * Note: the opposite sign of {@link HeadFrame.rollDeg}, which is measured with image y pointing down.
   */
  readonly rollDeg: number;
}

/**
 * Yaw / pitch / roll from `facialTransformationMatrixes[0].data`: 16 numbers, COLUMN-MAJOR, element
 * (row r, column c) = m[4c + r]. The matrix maps MediaPipe's canonical face (x towards the patient's left,
 * y up, z out of the face towards the camera) into camera space (y up, camera looking down −z).
 * yaw = asin(−m[2]), pitch = atan2(m[6], m[10]), roll = atan2(m[1], m[0]).
 */
export function poseFromTransformationMatrix(m: ArrayLike<number>): HeadPose {
  const deg = 180 / Math.PI;
  const s = Math.max(-1, Math.min(1, -m[2]));
  return {
    yawDeg: Math.asin(s) * deg,
    pitchDeg: Math.atan2(m[6], m[10]) * deg,
    rollDeg: Math.atan2(m[1], m[0]) * deg,
  };
}
