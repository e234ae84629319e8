/**
 * Pure helpers for the browser's guided capture: head pose from MediaPipe's facial transformation matrix,
 * the quality gate with plain-language prompts, and (re-exported) the expression list and mirroring helpers.
 *
 * Conventions ("left"/"right" always mean the PATIENT's own sides, so prompts read the same whether or not the
 * self view is mirrored):
 *   yaw   + = head turned towards the patient's left
 *   pitch + = chin down
 *   roll  + = head tilted towards the patient's right shoulder (their left eye higher)
 * The matrix is `facialTransformationMatrixes[0].data`, 16 numbers, COLUMN-MAJOR (element row r, column c
 * = m[4c + r]); it maps the canonical face (x towards the patient's left, y up, z out of the face) into camera
 * space (y up). Its roll has the opposite sign to an image-plane roll measured with image y pointing down.
 */
import { poseFromLandmarks } from "../../server/domain/symmetry/landmark-pose";

export * from "./expressions";
export * from "./mirror";

/** Gate limits (engineering choices from docs/research/face-symmetry.md §3; same values as the server's POSE_LIMITS_DEG). */
export const POSE_LIMITS = { yaw: 10, pitch: 15, roll: 15 } as const;
/** Smallest iris diameter (px) that gives a usable mm ruler. */
export const MIN_IRIS_PX = 12;
/** Mean luma (0–255, Rec. 601) below which we ask for more light, and above which the frame is washed out. */
export const MIN_BRIGHTNESS = 60;
export const MAX_BRIGHTNESS = 235;

export interface Pose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** Yaw / pitch / roll in degrees from the column-major 4×4 matrix: yaw = asin(−m[2]), pitch = atan2(m[6], m[10]), roll = atan2(m[1], m[0]). */
export function poseFromMatrix(m: ArrayLike<number>): Pose {
  if (m.length !== 16) throw new RangeError(`expected a 4×4 matrix of 16 numbers, got ${m.length}`);
  const deg = 180 / Math.PI;
  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, -m[2]))) * deg,
    pitch: Math.atan2(m[6], m[10]) * deg,
    roll: Math.atan2(m[1], m[0]) * deg,
  };
}

/** Iris diameter in px of the smaller iris, from normalised landmarks (478 points). */
export function irisDiameterPx(landmarks: readonly { x: number; y: number }[], width: number, height: number): number {
  if (landmarks.length < 478) return 0;
  const d = (a: number, b: number) =>
    Math.hypot((landmarks[a].x - landmarks[b].x) * width, (landmarks[a].y - landmarks[b].y) * height);
  const right = 0.5 * (d(469, 471) + d(470, 472));
  const left = 0.5 * (d(474, 476) + d(475, 477));
  return Math.min(right, left);
}

/** Mean luma (0–255) of RGBA pixels (e.g. ImageData.data), sampling every `step`-th pixel. */
export function meanLuma(rgba: ArrayLike<number>, step = 8): number {
  const stride = 4 * Math.max(1, Math.floor(step));
  let sum = 0;
  let n = 0;
  for (let i = 0; i + 2 < rgba.length; i += stride) {
    sum += 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

export type QualityCode =
  | "no_face"
  | "several_faces"
  | "turn_left"
  | "turn_right"
  | "raise_chin"
  | "lower_chin"
  | "straighten"
  | "move_closer"
  | "more_light"
  | "less_light";

export interface QualityProblem {
  readonly code: QualityCode;
  readonly message: string;
}

export interface QualityInput {
  /** Number of faces detected (run with numFaces: 2 so a second person can be seen). */
  readonly faces: number;
  /** facialTransformationMatrixes[0].data of the (single) face. */
  readonly matrix?: ArrayLike<number> | null;
  /** The face's normalised landmarks and the frame size: the pose is checked from them too (as the server does). */
  readonly landmarks?: readonly { x: number; y: number; z: number }[] | null;
  readonly width?: number;
  readonly height?: number;
  /** Iris diameter in px (see irisDiameterPx). */
  readonly irisPx?: number | null;
  /** Mean luma 0–255 (see meanLuma). */
  readonly brightness?: number | null;
}

/**
 * Quality gate for one frame: an empty list means "good to capture". Problems are in plain language and refer
 * to the patient's own left/right, so they are correct for a mirrored self view too.
 */
export function qualityGate(input: QualityInput): QualityProblem[] {
  const problems: QualityProblem[] = [];
  if (input.faces === 0) return [{ code: "no_face", message: "We can't see your face. Look straight at the camera." }];
  if (input.faces > 1) return [{ code: "several_faces", message: "Only one face should be in view. Please make sure you are alone in the picture." }];
  const poses: Pose[] = [];
  if (input.matrix && input.matrix.length === 16) poses.push(poseFromMatrix(input.matrix));
  if (input.landmarks && input.landmarks.length >= 478 && input.width && input.height) {
    const w = input.width;
    const h = input.height;
    const p = poseFromLandmarks(input.landmarks.map((l) => ({ x: l.x * w, y: l.y * h, z: l.z * w })));
    poses.push({ yaw: p.yawDeg, pitch: p.pitchDeg, roll: p.rollDeg });
  }
  if (poses.length) {
    // The larger reading of the two (matrix, landmarks) decides, so a frame passes here only if it passes on the server.
    const worst = (k: keyof Pose) => poses.reduce((a, p) => (Math.abs(p[k]) > Math.abs(a) ? p[k] : a), 0);
    const yaw = worst("yaw");
    const pitch = worst("pitch");
    const roll = worst("roll");
    if (yaw > POSE_LIMITS.yaw) problems.push({ code: "turn_right", message: "Turn your head a little to your right." });
    else if (yaw < -POSE_LIMITS.yaw) problems.push({ code: "turn_left", message: "Turn your head a little to your left." });
    if (pitch > POSE_LIMITS.pitch) problems.push({ code: "raise_chin", message: "Lift your chin a little." });
    else if (pitch < -POSE_LIMITS.pitch) problems.push({ code: "lower_chin", message: "Lower your chin a little." });
    if (roll > POSE_LIMITS.roll) {
      problems.push({ code: "straighten", message: "Hold your head straight: it is tilted towards your right shoulder." });
    } else if (roll < -POSE_LIMITS.roll) {
      problems.push({ code: "straighten", message: "Hold your head straight: it is tilted towards your left shoulder." });
    }
  }
  if (input.irisPx !== undefined && input.irisPx !== null && input.irisPx < MIN_IRIS_PX) {
    problems.push({ code: "move_closer", message: "Move closer to the camera." });
  }
  if (input.brightness !== undefined && input.brightness !== null) {
    if (input.brightness < MIN_BRIGHTNESS) problems.push({ code: "more_light", message: "More light please: face a window or a lamp." });
    else if (input.brightness > MAX_BRIGHTNESS) problems.push({ code: "less_light", message: "Too bright: move away from direct light." });
  }
  return problems;
}
