/**
 * Gates an uploaded capture must pass before it is stored (the browser applies the same ones while capturing):
 * the head's pose, from the landmarks AND from the transformation matrix, and the agreement of two rulers
 * (the iris, and the inter-canthal width of the patient's own baseline).
 */
import { IRIS_DIAMETER_MM, POSE_LIMITS_DEG } from "./constants";
import { buildHeadFrame, irisDiametersPx, poseFromTransformationMatrix, type HeadPose } from "./head-frame";
import { deRotate, poseFromLandmarks } from "./landmark-pose";
import { LEFT, RIGHT, toPixels, type PixelPoint } from "./landmarks";
import type { ExpressionCapture } from "./validate-snapshot";

/** Largest disagreement between the iris ruler and the baseline's inter-canthal ruler (fraction). */
export const MAX_RULER_DISAGREEMENT = 0.1;

export type PoseGate = "yaw" | "pitch" | "roll";

export interface GateFailure {
  readonly gate: PoseGate | "ruler";
  readonly message: string;
}

const WORDS: Record<PoseGate, string> = { yaw: "turned", pitch: "tilted up or down", roll: "tilted sideways" };

/** The first pose gate a pose fails, or null. */
function poseFailure(pose: HeadPose, source: string): GateFailure | null {
  const values: Record<PoseGate, number> = { yaw: pose.yawDeg, pitch: pose.pitchDeg, roll: pose.rollDeg };
  for (const gate of ["yaw", "pitch", "roll"] as const) {
    if (Math.abs(values[gate]) > POSE_LIMITS_DEG[gate]) {
      return {
        gate,
        message: `the head is ${WORDS[gate]} ${Math.abs(values[gate]).toFixed(1)}° (${gate}, by the ${source}); at most ${POSE_LIMITS_DEG[gate]}° is accepted`,
      };
    }
  }
  return null;
}

/** Refuses a capture whose head pose, by its landmarks or by its matrix, is outside the gates. */
export function poseGate(capture: ExpressionCapture): GateFailure | null {
  const px = toPixels(capture.landmarks, capture.imageWidth, capture.imageHeight);
  return poseFailure(poseFromLandmarks(px), "face points") ?? poseFailure(poseFromTransformationMatrix(capture.transformationMatrix), "head model");
}

/** Inter-canthal (medial canthus to medial canthus) width in px, in the head's own frame. */
function intercanthalPx(px: readonly PixelPoint[]): number {
  const a = px[RIGHT.medialCanthus];
  const b = px[LEFT.medialCanthus];
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Inter-canthal width in mm by the iris ruler; stored with each capture's measures as the next captures' second ruler. */
export function intercanthalWidthMm(capture: ExpressionCapture, irisDiameterMm = IRIS_DIAMETER_MM): number {
  const px = deRotate(toPixels(capture.landmarks, capture.imageWidth, capture.imageHeight));
  return intercanthalPx(px) * buildHeadFrame(px, irisDiameterMm).mmPerPx;
}

/**
 * Two rulers: mm per px by the iris (11.77 mm) and by the inter-canthal width measured at the patient's
 * baseline. When they disagree by more than {@link MAX_RULER_DISAGREEMENT} the iris rings (or the image size)
 * are wrong, and every mm value would be off by as much.
 */
export function rulerAgreement(capture: ExpressionCapture, baselineIntercanthalMm: number, irisDiameterMm = IRIS_DIAMETER_MM): GateFailure | null {
  const px = deRotate(toPixels(capture.landmarks, capture.imageWidth, capture.imageHeight));
  const byIris = irisDiameterMm / irisDiametersPx(px).mean;
  const byCanthi = baselineIntercanthalMm / intercanthalPx(px);
  const disagreement = byIris / byCanthi - 1;
  if (Math.abs(disagreement) <= MAX_RULER_DISAGREEMENT) return null;
  return {
    gate: "ruler",
    message: `the two rulers disagree by ${Math.round(Math.abs(disagreement) * 100)} % (the iris gives ${(byIris / byCanthi).toFixed(2)}× the scale of your first snapshot's eye corners; at most ${MAX_RULER_DISAGREEMENT * 100} % is accepted). Sit facing the camera in good light and try again`,
  };
}
