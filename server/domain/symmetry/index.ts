/**
 * Facial symmetry measures from MediaPipe Face Landmarker landmarks: pure, framework-free, versioned.
 * Left/right = the patient's anatomical sides; landmarks must come from the unmirrored camera frame.
 */
export {
  SYMMETRY_ALGORITHM_VERSION,
  IRIS_DIAMETER_MM,
  MIN_HEALTHY_MOVEMENT_MM,
  POSE_LIMITS_DEG,
  MIN_CAPTURE_IRIS_PX,
  EYE_CLOSED_PFH_MM,
} from "./constants";
export { EXPRESSION_IDS, isExpressionId, type ExpressionId } from "./expressions";
export { LANDMARK_COUNT, STABLE_POINTS, SIDE_INDICES, toPixels, type Landmark, type PixelPoint, type Side } from "./landmarks";
export { buildHeadFrame, poseFromTransformationMatrix, type HeadFrame, type HeadPose } from "./head-frame";
export {
  validateExpressionCapture,
  validateSnapshot,
  SymmetryInputError,
  PLAUSIBILITY,
  type Blendshape,
  type DiarySnapshot,
  type ExpressionCapture,
  type ValidationIssue,
  type ValidationResult,
} from "./validate-snapshot";
export {
  computeExpressionMeasures,
  computeDynamicMeasures,
  computeSnapshotMeasures,
  STATIC_MEASURE_KEYS,
  DYNAMIC_MEASURE_KEYS,
  type CommissureMovement,
  type DynamicMeasures,
  type DynamicMeasureKey,
  type ExpressionMeasures,
  type ExpressionResult,
  type MeasureOptions,
  type PerSide,
  type SideAsymmetry,
  type StaticMeasureKey,
  type StaticMeasures,
  type SymmetryConstants,
  type SymmetryResult,
} from "./measures";
export {
  HEALTHY_BAND,
  DROOP_DIRECTION,
  classifyLeftRightDifference,
  compareWithBaseline,
  lowerSide,
  type BandClass,
  type BaselineShift,
  type HealthyBand,
} from "./healthy-band";

export { MIN_FRAMES, MAX_FRAMES, medianCapture, frameSpread, validateFramedCapture, type FrameSpread, type FramedCapture, type SpreadKey } from "./frames";
export { poseGate, rulerAgreement, intercanthalWidthMm, MAX_RULER_DISAGREEMENT, type GateFailure } from "./capture-gates";
export { poseFromLandmarks, deRotate } from "./landmark-pose";

import { SYMMETRY_ALGORITHM_VERSION } from "./constants";

/** True when a stored result was computed by an older algorithm and should be recomputed from its stored captures. */
export function needsRecompute(stored: { readonly algorithmVersion: string }): boolean {
  return stored.algorithmVersion !== SYMMETRY_ALGORITHM_VERSION;
}
