/**
 * Landmark symmetry measures (pure; no I/O). Definitions follow docs/research/face-symmetry.md §2
 * (Emotrics definitions ported to MediaPipe indices). All lengths in mm via the iris ruler, angles in degrees,
 * "left"/"right" = the patient's anatomical sides, v grows towards the chin.
 */
import {
  EYE_CLOSED_PFH_MM,
  IRIS_DIAMETER_MM,
  MIN_HEALTHY_MOVEMENT_MM,
  POSE_LIMITS_DEG,
  MIN_CAPTURE_IRIS_PX,
  RATIO_CLIP,
  SYMMETRY_ALGORITHM_VERSION,
} from "./constants";
import { EYE_CLOSURE_EXPRESSIONS, type ExpressionId } from "./expressions";
import {
  buildHeadFrame,
  polylineCrossing,
  polylineVAt,
  poseFromTransformationMatrix,
  projectAll,
  type FramePoint,
  type HeadFrame,
  type HeadPose,
} from "./head-frame";
import type { FrameSpread } from "./frames";
import { deRotate, poseFromLandmarks } from "./landmark-pose";
import { classifyLeftRightDifference, type BandClass } from "./healthy-band";
import { LOWER_OUTER_LIP, SIDE_INDICES, STABLE_POINTS, toPixels, type PixelPoint, type Side, type SideIndices } from "./landmarks";
import { applySimilarity, fitSimilarity3d, type Vec3 } from "./similarity-fit";
import {
  assertValidCapture,
  assertValidSnapshot,
  type ExpressionCapture,
} from "./validate-snapshot";

export interface PerSide<T = number> {
  readonly right: T;
  readonly left: T;
}

/** Static (single-frame) per-side measures. */
export interface StaticMeasures {
  /** M1 brow height: pupil to upper brow edge above it (mm). */
  readonly browHeight: PerSide;
  /** M2 palpebral fissure height: mean of 3 lid pairs (mm). */
  readonly palpebralFissureHeight: PerSide;
  /** M2 eye-opening ratio: PFH / eye width (unitless). */
  readonly eyeOpeningRatio: PerSide;
  /** M3 margin–reflex distance 1 (mm); null when the eye is closed. */
  readonly mrd1: PerSide<number | null>;
  /** M3 margin–reflex distance 2 (mm); null when the eye is closed. Larger = lower-lid sag. */
  readonly mrd2: PerSide<number | null>;
  /** M4 commissure height: drop of the mouth corner below the iris line (mm). Larger = lower. */
  readonly commissureHeight: PerSide;
  /** M5 commissure excursion: mouth corner to the lower-lip midline point (mm). */
  readonly commissureExcursion: PerSide;
  /** M7 smile angle (°): 90 = corner level with the lower-lip midpoint; smaller = corner lower. */
  readonly smileAngle: PerSide;
  /** M8 upper-lip height: v of the paramedian upper-lip point (mm). */
  readonly upperLipHeight: PerSide;
  /** M8 lower-lip height: v of the paramedian lower-lip point (mm). Larger = lower. */
  readonly lowerLipHeight: PerSide;
  /** M9 inner-lip gap at the quarter-mouth point (mm), stand-in for dental show. */
  readonly innerLipGap: PerSide;
  /** M10 alar height: v of the lateral alar crease (mm). */
  readonly alarHeight: PerSide;
  /** M11 oral–ocular distance: lateral canthus to commissure (mm). */
  readonly oralOcularDistance: PerSide;
}

export type StaticMeasureKey = keyof StaticMeasures;

export const STATIC_MEASURE_KEYS: readonly StaticMeasureKey[] = [
  "browHeight",
  "palpebralFissureHeight",
  "eyeOpeningRatio",
  "mrd1",
  "mrd2",
  "commissureHeight",
  "commissureExcursion",
  "smileAngle",
  "upperLipHeight",
  "lowerLipHeight",
  "innerLipGap",
  "alarHeight",
  "oralOcularDistance",
];

/** How one per-side measure compares between the sides. */
export interface SideAsymmetry {
  readonly right: number | null;
  readonly left: number | null;
  /** Signed left − right (units of the measure). */
  readonly leftMinusRight: number | null;
  /** min(|L|, |R|) / max(|L|, |R|), 0–1 (1 = symmetric). Null when not meaningful. */
  readonly minMaxRatio: number | null;
  /** eFACE-style 100 × affected/healthy (PFH at rest: healthy/affected), clipped 0–200; only with a known affected side. */
  readonly affectedRatio: number | null;
  /** 100 − |100 − affectedRatio| (100 = balanced). */
  readonly score: number | null;
  /** |L − R| against the healthy-face band, where one is defined for the measure. */
  readonly healthyBand: BandClass | null;
  /** Why a ratio was left out, if it was. */
  readonly note?: string;
}

/** Static measures of one capture plus roll/scale information. */
export interface ExpressionMeasures {
  readonly expression: ExpressionId;
  readonly measures: StaticMeasures;
  /** M12 mouth midline deviation: u of the mid-commissure point (mm, + towards the patient's left). */
  readonly mouthMidlineDeviation: number;
  readonly frame: FrameInfo;
}

export interface FrameInfo {
  readonly irisDiameterPx: number;
  readonly mmPerPx: number;
  readonly ipdMm: number;
  /** Image-plane roll from the iris line (°, image y down). */
  readonly imageRollDeg: number;
  /** Pose from the transformation matrix. */
  readonly pose: HeadPose;
  /** Pose from the landmarks themselves (the measures are taken after undoing it). */
  readonly landmarkPose: HeadPose;
  /** Medial-canthus distance by the iris ruler (mm): the second ruler for later snapshots. */
  readonly intercanthalWidthMm: number;
  /** Capture-quality warnings (pose beyond the gate, small iris). The measures are still computed. */
  readonly warnings: readonly string[];
}

export interface CommissureMovement {
  /** |T(c_E) − c_rest| in 3-D after the similarity fit (mm). */
  readonly magnitude: number;
  /** Upward component in the rest head frame (mm, + = towards the eyes). */
  readonly up: number;
  /** Lateral component in the rest head frame (mm, + = away from the midline). */
  readonly lateral: number;
}

export interface DynamicMeasures {
  readonly expression: ExpressionId;
  /** M6 commissure movement rest → expression, head-fixed by 3-D similarity on stable points. */
  readonly commissureMovement: PerSide<CommissureMovement>;
  /** ΔBH = BH_expression − BH_rest (mm, + = brow raised). */
  readonly browLift: PerSide;
  /**
   * Eye closure = 1 − PFH_expression / PFH_rest (fraction; 1 = fully closed; × 100 = the eFACE closure item).
   * Null when the eye was not open at rest (PFH_rest below EYE_CLOSED_PFH_MM).
   */
  readonly eyeClosure: PerSide<number | null>;
  /** PFH_expression / PFH_rest (ocular synkinesis in smile / pucker when < 1). Null as for eyeClosure. */
  readonly fissureRatio: PerSide<number | null>;
  /** ΔCE = CE_expression − CE_rest (mm). */
  readonly commissureExcursionChange: PerSide;
  /** ΔLLH = LLH_expression − LLH_rest (mm, + = lower lip moved down; "eee"). */
  readonly lowerLipDepression: PerSide;
  /** ΔAH = AH_rest − AH_expression (mm, + = ala moved up; nose wrinkle). */
  readonly alarLift: PerSide;
  /** OOD_expression / OOD_rest (oral–ocular synkinesis when < 1 during eye closure). */
  readonly oralOcularRatio: PerSide;
  /** ΔMMD = MMD_expression − MMD_rest (mm, + = mouth pulled towards the patient's left). */
  readonly midlineShift: number;
  /** Quality of the stable-point registration. */
  readonly registration: { readonly rmsMm: number; readonly scale: number; readonly rotationDeg: number };
}

export type DynamicMeasureKey = Exclude<keyof DynamicMeasures, "expression" | "midlineShift" | "registration">;

export interface ExpressionResult {
  readonly expression: ExpressionId;
  readonly static: ExpressionMeasures;
  readonly staticAsymmetry: Readonly<Record<StaticMeasureKey, SideAsymmetry>>;
  /** Rest → expression measures; null for rest itself or when the snapshot has no rest capture. */
  readonly dynamic: DynamicMeasures | null;
  readonly dynamicAsymmetry: Readonly<Record<DynamicMeasureKey, SideAsymmetry>> | null;
  /** Spread of the left − right differences over the frames this expression is the median of (when known). */
  readonly spread?: FrameSpread;
}

export interface SymmetryConstants {
  readonly irisDiameterMm: number;
  readonly minHealthyMovementMm: number;
  readonly eyeClosedPfhMm: number;
  readonly stablePoints: readonly number[];
}

/** A stored symmetry profile. Recompute from the stored captures when algorithmVersion is outdated. */
export interface SymmetryResult {
  readonly algorithmVersion: string;
  readonly constants: SymmetryConstants;
  readonly affectedSide: Side | null;
  readonly expressions: readonly ExpressionResult[];
}

export interface MeasureOptions {
  /** Affected side from the intake / clinician, if known. */
  readonly affectedSide?: Side;
  /** Override the iris constant (stored in the result). Defaults to IRIS_DIAMETER_MM. */
  readonly irisDiameterMm?: number;
  /** Per expression, the spread over the frames each capture is the median of. */
  readonly spreads?: Readonly<Partial<Record<ExpressionId, FrameSpread>>>;
}

export function currentConstants(irisDiameterMm: number = IRIS_DIAMETER_MM): SymmetryConstants {
  return {
    irisDiameterMm,
    minHealthyMovementMm: MIN_HEALTHY_MOVEMENT_MM,
    eyeClosedPfhMm: EYE_CLOSED_PFH_MM,
    stablePoints: STABLE_POINTS,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Internals

interface Prepared {
  readonly capture: ExpressionCapture;
  /** Pixel points as detected. */
  readonly raw: PixelPoint[];
  /** Pixel points in the head's own frame. */
  readonly px: PixelPoint[];
  readonly frame: HeadFrame;
  readonly fp: FramePoint[];
}

function prepare(capture: ExpressionCapture, irisDiameterMm: number): Prepared {
  // Static measures are taken in the head's own frame: a head turned or tilted within the gates measures as a frontal one.
  const raw = toPixels(capture.landmarks, capture.imageWidth, capture.imageHeight);
  const px = deRotate(raw);
  const frame = buildHeadFrame(px, irisDiameterMm);
  return { capture, raw, px, frame, fp: projectAll(frame, px) };
}

function dist(a: FramePoint, b: FramePoint): number {
  return Math.hypot(a.u - b.u, a.v - b.v);
}

function lowerLipMid(fp: readonly FramePoint[]): FramePoint {
  const lip = LOWER_OUTER_LIP.map((i) => fp[i]);
  // The lower lip always crosses the iris-line midline for a valid face; fall back to point 17 otherwise.
  return polylineCrossing(lip, 0) ?? fp[17];
}

interface SideStatic {
  browHeight: number;
  palpebralFissureHeight: number;
  eyeOpeningRatio: number;
  mrd1: number | null;
  mrd2: number | null;
  commissureHeight: number;
  commissureExcursion: number;
  smileAngle: number;
  upperLipHeight: number;
  lowerLipHeight: number;
  innerLipGap: number;
  alarHeight: number;
  oralOcularDistance: number;
}

function sideStatic(fp: readonly FramePoint[], s: SideIndices, llMid: FramePoint, eyesMeantClosed: boolean): SideStatic {
  const pupil = fp[s.irisCentre];
  const brow = s.browUpper.map((i) => fp[i]);
  const upperLid = s.upperLid.map((i) => fp[i]);
  const lowerLid = s.lowerLid.map((i) => fp[i]);
  let pfh = 0;
  for (const [up, low] of s.lidPairs) pfh += fp[low].v - fp[up].v;
  pfh /= s.lidPairs.length;
  const eyeWidth = dist(fp[s.lateralCanthus], fp[s.medialCanthus]);
  const eyeOpen = !eyesMeantClosed && pfh >= EYE_CLOSED_PFH_MM;
  const c = fp[s.commissure];
  const ce = dist(c, llMid);
  const sinArg = ce > 1e-9 ? Math.max(-1, Math.min(1, (llMid.v - c.v) / ce)) : 0;
  const [innerUp, innerLow] = s.innerLipPair;
  return {
    browHeight: pupil.v - polylineVAt(brow, pupil.u),
    palpebralFissureHeight: pfh,
    eyeOpeningRatio: pfh / eyeWidth,
    mrd1: eyeOpen ? pupil.v - polylineVAt(upperLid, pupil.u) : null,
    mrd2: eyeOpen ? polylineVAt(lowerLid, pupil.u) - pupil.v : null,
    commissureHeight: c.v,
    commissureExcursion: ce,
    smileAngle: 90 + (Math.asin(sinArg) * 180) / Math.PI,
    upperLipHeight: fp[s.upperLip].v,
    lowerLipHeight: fp[s.lowerLip].v,
    innerLipGap: Math.max(0, fp[innerLow].v - fp[innerUp].v),
    alarHeight: fp[s.ala].v,
    oralOcularDistance: dist(fp[s.lateralCanthus], c),
  };
}

function frameInfo(p: Prepared): FrameInfo {
  const pose = poseFromTransformationMatrix(p.capture.transformationMatrix);
  const landmarkPose = poseFromLandmarks(p.raw);
  const imageRollDeg = buildHeadFrame(p.raw, p.frame.irisDiameterMm).rollDeg;
  const ic = [p.px[SIDE_INDICES.right.medialCanthus], p.px[SIDE_INDICES.left.medialCanthus]];
  const warnings: string[] = [];
  if (Math.abs(pose.yawDeg) > POSE_LIMITS_DEG.yaw) warnings.push(`yaw ${pose.yawDeg.toFixed(1)}° exceeds ±${POSE_LIMITS_DEG.yaw}°`);
  if (Math.abs(pose.pitchDeg) > POSE_LIMITS_DEG.pitch) warnings.push(`pitch ${pose.pitchDeg.toFixed(1)}° exceeds ±${POSE_LIMITS_DEG.pitch}°`);
  if (Math.abs(landmarkPose.yawDeg) > POSE_LIMITS_DEG.yaw) warnings.push(`yaw ${landmarkPose.yawDeg.toFixed(1)}° (face points) exceeds ±${POSE_LIMITS_DEG.yaw}°`);
  if (Math.abs(landmarkPose.pitchDeg) > POSE_LIMITS_DEG.pitch) warnings.push(`pitch ${landmarkPose.pitchDeg.toFixed(1)}° (face points) exceeds ±${POSE_LIMITS_DEG.pitch}°`);
  const roll = Math.max(Math.abs(pose.rollDeg), Math.abs(imageRollDeg));
  if (roll > POSE_LIMITS_DEG.roll) warnings.push(`roll ${roll.toFixed(1)}° exceeds ±${POSE_LIMITS_DEG.roll}°`);
  const smallIris = Math.min(p.frame.irisDiameterPxLeft, p.frame.irisDiameterPxRight);
  if (smallIris < MIN_CAPTURE_IRIS_PX) warnings.push(`iris ${smallIris.toFixed(1)} px is below ${MIN_CAPTURE_IRIS_PX} px`);
  return {
    irisDiameterPx: p.frame.irisDiameterPx,
    mmPerPx: p.frame.mmPerPx,
    ipdMm: p.frame.ipdMm,
    imageRollDeg,
    pose,
    landmarkPose,
    intercanthalWidthMm: Math.hypot(ic[0].x - ic[1].x, ic[0].y - ic[1].y) * p.frame.mmPerPx,
    warnings,
  };
}

function staticFromPrepared(p: Prepared): ExpressionMeasures {
  const llMid = lowerLipMid(p.fp);
  const closed = EYE_CLOSURE_EXPRESSIONS.includes(p.capture.expression);
  const r = sideStatic(p.fp, SIDE_INDICES.right, llMid, closed);
  const l = sideStatic(p.fp, SIDE_INDICES.left, llMid, closed);
  const measures = {} as Record<StaticMeasureKey, PerSide<number | null>>;
  for (const key of STATIC_MEASURE_KEYS) measures[key] = { right: r[key], left: l[key] };
  const cR = p.fp[SIDE_INDICES.right.commissure];
  const cL = p.fp[SIDE_INDICES.left.commissure];
  return {
    expression: p.capture.expression,
    measures: measures as unknown as StaticMeasures,
    mouthMidlineDeviation: 0.5 * (cR.u + cL.u),
    frame: frameInfo(p),
  };
}

function vec(p: PixelPoint): Vec3 {
  return [p.x, p.y, p.z];
}

function dynamicFromPrepared(rest: Prepared, expr: Prepared, restStatic: ExpressionMeasures, exprStatic: ExpressionMeasures): DynamicMeasures {
  const source = STABLE_POINTS.map((i) => vec(expr.px[i]));
  const target = STABLE_POINTS.map((i) => vec(rest.px[i]));
  const fit = fitSimilarity3d(source, target);
  const s = rest.frame.mmPerPx;
  const movement = (side: Side): CommissureMovement => {
    const idx = SIDE_INDICES[side].commissure;
    const moved = applySimilarity(fit, vec(expr.px[idx]));
    const r0 = rest.px[idx];
    const d = [moved[0] - r0.x, moved[1] - r0.y, moved[2] - r0.z];
    const du = d[0] * rest.frame.xAxis.x + d[1] * rest.frame.xAxis.y;
    const dv = d[0] * rest.frame.yAxis.x + d[1] * rest.frame.yAxis.y;
    return {
      magnitude: Math.hypot(d[0], d[1], d[2]) * s,
      up: -dv * s,
      lateral: (side === "left" ? du : -du) * s,
    };
  };
  const R = restStatic.measures;
  const E = exprStatic.measures;
  const per = (f: (side: Side) => number): PerSide => ({ right: f("right"), left: f("left") });
  const perOrNull = (f: (side: Side) => number | null): PerSide<number | null> => ({ right: f("right"), left: f("left") });
  const restEyeOpen = (side: Side) => R.palpebralFissureHeight[side] >= EYE_CLOSED_PFH_MM;
  return {
    expression: expr.capture.expression,
    commissureMovement: { right: movement("right"), left: movement("left") },
    browLift: per((x) => E.browHeight[x] - R.browHeight[x]),
    eyeClosure: perOrNull((x) => (restEyeOpen(x) ? 1 - E.palpebralFissureHeight[x] / R.palpebralFissureHeight[x] : null)),
    fissureRatio: perOrNull((x) => (restEyeOpen(x) ? E.palpebralFissureHeight[x] / R.palpebralFissureHeight[x] : null)),
    commissureExcursionChange: per((x) => E.commissureExcursion[x] - R.commissureExcursion[x]),
    lowerLipDepression: per((x) => E.lowerLipHeight[x] - R.lowerLipHeight[x]),
    alarLift: per((x) => R.alarHeight[x] - E.alarHeight[x]),
    oralOcularRatio: per((x) => E.oralOcularDistance[x] / R.oralOcularDistance[x]),
    midlineShift: exprStatic.mouthMidlineDeviation - restStatic.mouthMidlineDeviation,
    registration: { rmsMm: fit.rms * s, scale: fit.scale, rotationDeg: fit.rotationDeg },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Asymmetry indices

const clip = (x: number) => Math.max(RATIO_CLIP.min, Math.min(RATIO_CLIP.max, x));

interface AsymmetryRule {
  /** eFACE orientation of the ratio. */
  readonly orientation: "affected/healthy" | "healthy/affected";
  /** For movements: ratios only when the healthy (or larger) movement reaches this magnitude. */
  readonly minHealthyMagnitude?: number;
  /** Key into the healthy band (|L − R| of healthy faces), if one exists. */
  readonly band?: StaticMeasureKey;
}

/** Asymmetry of one per-side value pair. */
export function sideAsymmetry(values: PerSide<number | null>, rule: AsymmetryRule, affectedSide?: Side): SideAsymmetry {
  const { right, left } = values;
  const leftMinusRight = right === null || left === null ? null : left - right;
  const healthyBand = rule.band && leftMinusRight !== null ? classifyLeftRightDifference(rule.band, leftMinusRight) : null;
  if (right === null || left === null) {
    return { right, left, leftMinusRight, minMaxRatio: null, affectedRatio: null, score: null, healthyBand, note: "not defined for this expression" };
  }
  const hi = Math.max(Math.abs(left), Math.abs(right));
  const lo = Math.min(Math.abs(left), Math.abs(right));
  const minMag = rule.minHealthyMagnitude;
  let note: string | undefined;
  let minMaxRatio: number | null = hi > 0 ? lo / hi : null;
  let affectedRatio: number | null = null;
  if (minMag !== undefined && hi < minMag) {
    minMaxRatio = null;
    note = `movement below ${minMag} mm on both sides; ratio not meaningful`;
  }
  if (affectedSide) {
    const a = affectedSide === "left" ? left : right;
    const h = affectedSide === "left" ? right : left;
    if (minMag !== undefined && Math.abs(h) < minMag) {
      note = `healthy-side movement ${Math.abs(h).toFixed(1)} mm is below ${minMag} mm; ratio not meaningful`;
    } else {
      const [num, den] = rule.orientation === "affected/healthy" ? [a, h] : [h, a];
      if (den !== 0) affectedRatio = clip((100 * num) / den);
    }
  }
  return {
    right,
    left,
    leftMinusRight,
    minMaxRatio,
    affectedRatio,
    score: affectedRatio === null ? null : 100 - Math.abs(100 - affectedRatio),
    healthyBand,
    ...(note ? { note } : {}),
  };
}

function staticRule(key: StaticMeasureKey, expression: ExpressionId): AsymmetryRule {
  // eFACE: at rest the affected palpebral fissure is often WIDER, so the PFH ratio is healthy/affected.
  const orientation = key === "palpebralFissureHeight" && expression === "rest" ? "healthy/affected" : "affected/healthy";
  return { orientation, band: key };
}

const DYNAMIC_RULES: Readonly<Record<DynamicMeasureKey, AsymmetryRule>> = {
  commissureMovement: { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM },
  browLift: { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM },
  eyeClosure: { orientation: "affected/healthy" },
  fissureRatio: { orientation: "affected/healthy" },
  commissureExcursionChange: { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM },
  lowerLipDepression: { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM },
  alarLift: { orientation: "affected/healthy", minHealthyMagnitude: MIN_HEALTHY_MOVEMENT_MM },
  oralOcularRatio: { orientation: "affected/healthy" },
};

export const DYNAMIC_MEASURE_KEYS = Object.keys(DYNAMIC_RULES) as DynamicMeasureKey[];

function staticAsymmetry(m: ExpressionMeasures, affectedSide?: Side): Record<StaticMeasureKey, SideAsymmetry> {
  const out = {} as Record<StaticMeasureKey, SideAsymmetry>;
  for (const key of STATIC_MEASURE_KEYS) out[key] = sideAsymmetry(m.measures[key], staticRule(key, m.expression), affectedSide);
  return out;
}

function dynamicAsymmetry(d: DynamicMeasures, affectedSide?: Side): Record<DynamicMeasureKey, SideAsymmetry> {
  const out = {} as Record<DynamicMeasureKey, SideAsymmetry>;
  for (const key of DYNAMIC_MEASURE_KEYS) {
    const values: PerSide<number | null> =
      key === "commissureMovement"
        ? { right: d.commissureMovement.right.magnitude, left: d.commissureMovement.left.magnitude }
        : d[key];
    out[key] = sideAsymmetry(values, DYNAMIC_RULES[key], affectedSide);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** Static measures of one expression capture. Throws SymmetryInputError on invalid input. */
export function computeExpressionMeasures(capture: ExpressionCapture, options: Pick<MeasureOptions, "irisDiameterMm"> = {}): ExpressionMeasures {
  const valid = assertValidCapture(capture);
  return staticFromPrepared(prepare(valid, options.irisDiameterMm ?? IRIS_DIAMETER_MM));
}

/**
 * Rest → expression measures. The expression frame is registered onto the rest frame with a 3-D similarity
 * fitted on STABLE_POINTS in pixel space (x·w, y·h, z·w), so head movement between the frames cancels.
 * Throws SymmetryInputError on invalid input.
 */
export function computeDynamicMeasures(
  rest: ExpressionCapture,
  expression: ExpressionCapture,
  options: Pick<MeasureOptions, "irisDiameterMm"> = {},
): DynamicMeasures {
  const iris = options.irisDiameterMm ?? IRIS_DIAMETER_MM;
  const r = prepare(assertValidCapture(rest), iris);
  const e = prepare(assertValidCapture(expression), iris);
  return dynamicFromPrepared(r, e, staticFromPrepared(r), staticFromPrepared(e));
}

/**
 * Full symmetry profile of a diary snapshot (a DiarySnapshot {captures: [...]}, validated here): static measures and
 * asymmetry per expression, plus rest → expression dynamics when a rest capture is present.
 * With `affectedSide` the eFACE-style affected/healthy × 100 ratios are filled in; otherwise only min/max and
 * signed left − right. Throws SymmetryInputError (with .errors) on invalid input.
 */
export function computeSnapshotMeasures(snapshot: unknown, options: MeasureOptions = {}): SymmetryResult {
  const valid = assertValidSnapshot(snapshot);
  const iris = options.irisDiameterMm ?? IRIS_DIAMETER_MM;
  if (!(iris > 5 && iris < 20)) throw new RangeError(`irisDiameterMm ${iris} is not a plausible iris diameter`);
  const affectedSide = options.affectedSide;
  if (affectedSide !== undefined && affectedSide !== "left" && affectedSide !== "right") {
    throw new RangeError(`affectedSide must be "left" or "right" (got ${String(affectedSide)})`);
  }
  const prepared = valid.captures.map((c) => prepare(c, iris));
  const statics = prepared.map(staticFromPrepared);
  const restIndex = valid.captures.findIndex((c) => c.expression === "rest");
  const expressions = prepared.map((p, i): ExpressionResult => {
    const dynamic =
      restIndex >= 0 && i !== restIndex ? dynamicFromPrepared(prepared[restIndex], p, statics[restIndex], statics[i]) : null;
    return {
      expression: p.capture.expression,
      static: statics[i],
      staticAsymmetry: staticAsymmetry(statics[i], affectedSide),
      dynamic,
      dynamicAsymmetry: dynamic ? dynamicAsymmetry(dynamic, affectedSide) : null,
      ...(options.spreads?.[p.capture.expression] ? { spread: options.spreads[p.capture.expression] } : {}),
    };
  });
  return {
    algorithmVersion: SYMMETRY_ALGORITHM_VERSION,
    constants: currentConstants(iris),
    affectedSide: affectedSide ?? null,
    expressions,
  };
}
