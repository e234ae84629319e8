/**
 * Validation of uploaded expression captures (one expression: 478 landmarks + matrix + optional blendshapes)
 * and of diary snapshots (a set of captures). Structural checks first, then plausibility of the geometry.
 * Nothing here throws; see {@link SymmetryInputError} for the throwing wrapper used by the measures.
 */
import { IRIS_DIAMETER_MM } from "./constants";
import { EXPRESSION_IDS, isExpressionId, type ExpressionId } from "./expressions";
import { buildHeadFrame, toFrame } from "./head-frame";
import {
  CHIN,
  FACE_SIDE_LEFT,
  FACE_SIDE_RIGHT,
  LANDMARK_COUNT,
  LEFT,
  MESH_POINT_COUNT,
  NOSE_TIP,
  RIGHT,
  toPixels,
  type Landmark,
} from "./landmarks";

export interface Blendshape {
  readonly categoryName: string;
  readonly score: number;
}

/** One captured expression, landmarks from the UNMIRRORED camera frame. */
export interface ExpressionCapture {
  readonly expression: ExpressionId;
  /** Size in px of the frame the landmarks were detected on. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** 478 normalised landmarks (MediaPipe order). */
  readonly landmarks: readonly Landmark[];
  /** facialTransformationMatrixes[0].data: 16 numbers, column-major. */
  readonly transformationMatrix: readonly number[];
  readonly blendshapes?: readonly Blendshape[];
}

/** A diary snapshot: the set of expressions captured in one session. */
export interface DiarySnapshot {
  readonly captures: readonly ExpressionCapture[];
}

export interface ValidationIssue {
  /** Dotted / indexed path into the input, e.g. "landmarks[12].x" or "captures[1].imageWidth". "" = the input itself. */
  readonly path: string;
  readonly message: string;
}

export type ValidationResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: ValidationIssue[] };

/** Plausibility limits (engineering choices; see docs/research/face-symmetry.md §3). */
export const PLAUSIBILITY = {
  /** Largest accepted image side in px. */
  maxImageSidePx: 16384,
  /** Below this the iris ruler is too coarse (the capture gate asks for ≥ 12 px). */
  minIrisDiameterPx: 10,
  /** Inter-pupillary distance by the iris ruler; outside this the ruler or the detection is wrong. */
  ipdMm: { min: 50, max: 75 },
  /** Ratio of the larger to the smaller iris diameter. */
  maxIrisRatio: 1.5,
  /** How far (normalised units) mesh points may stray outside the image. */
  faceBoxTolerance: 0.02,
  /** Accepted length of each rotation column of the transformation matrix. */
  matrixColumnNorm: { min: 0.8, max: 1.25 },
  /** Reported element errors per array before summarising. */
  maxElementErrors: 10,
} as const;

export class SymmetryInputError extends Error {
  readonly errors: readonly ValidationIssue[];
  constructor(errors: readonly ValidationIssue[]) {
    super(`Invalid face capture: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ")}`);
    this.name = "SymmetryInputError";
    this.errors = errors;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function describe(v: unknown): string {
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

function checkDimension(value: unknown, path: string, errors: ValidationIssue[]): number | null {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value > PLAUSIBILITY.maxImageSidePx) {
    errors.push({ path, message: `must be a whole number of pixels between 1 and ${PLAUSIBILITY.maxImageSidePx} (got ${describe(value)})` });
    return null;
  }
  return value;
}

/** Landmarks may arrive as {x, y, z} objects or compact [x, y, z] triples; both become {x, y, z}. */
function checkLandmarks(value: unknown, path: string, errors: ValidationIssue[]): Landmark[] | null {
  if (!Array.isArray(value)) {
    errors.push({ path, message: `must be an array of ${LANDMARK_COUNT} landmarks (got ${describe(value)})` });
    return null;
  }
  if (value.length !== LANDMARK_COUNT) {
    errors.push({
      path,
      message: `must contain exactly ${LANDMARK_COUNT} landmarks (Face Landmarker with iris points), got ${value.length}`,
    });
    return null;
  }
  const out: Landmark[] = new Array(LANDMARK_COUNT);
  let bad = 0;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const item: unknown = value[i];
    let x: unknown;
    let y: unknown;
    let z: unknown;
    if (Array.isArray(item) && item.length === 3) {
      [x, y, z] = item as unknown[];
    } else if (isRecord(item)) {
      x = item.x;
      y = item.y;
      z = item.z;
    } else {
      bad++;
      if (bad <= PLAUSIBILITY.maxElementErrors) {
        errors.push({ path: `${path}[${i}]`, message: `must be {x, y, z} or [x, y, z] (got ${describe(item)})` });
      }
      continue;
    }
    let ok = true;
    for (const [key, n] of [
      ["x", x],
      ["y", y],
      ["z", z],
    ] as const) {
      if (typeof n !== "number" || !Number.isFinite(n)) {
        ok = false;
        bad++;
        if (bad <= PLAUSIBILITY.maxElementErrors) {
          errors.push({ path: `${path}[${i}].${key}`, message: `must be a finite number (got ${describe(n)})` });
        }
      }
    }
    if (ok) out[i] = { x: x as number, y: y as number, z: z as number };
  }
  if (bad > PLAUSIBILITY.maxElementErrors) {
    errors.push({ path, message: `${bad - PLAUSIBILITY.maxElementErrors} more invalid landmark values not listed` });
  }
  return bad === 0 ? out : null;
}

/** Accepts a plain 16-number array or MediaPipe's Matrix object {rows: 4, columns: 4, data}. */
function checkMatrix(value: unknown, path: string, errors: ValidationIssue[]): number[] | null {
  let data: unknown = value;
  let dataPath = path;
  if (isRecord(value) && "data" in value) {
    data = value.data;
    dataPath = join(path, "data");
  }
  const arr = ArrayBuffer.isView(data) ? Array.from(data as unknown as ArrayLike<unknown>) : data;
  if (!Array.isArray(arr) || arr.length !== 16) {
    errors.push({ path: dataPath, message: `must be the 4×4 facial transformation matrix: 16 numbers, column-major (got ${describe(arr)})` });
    return null;
  }
  const before = errors.length;
  arr.forEach((n: unknown, i: number) => {
    if (typeof n !== "number" || !Number.isFinite(n)) {
      errors.push({ path: `${dataPath}[${i}]`, message: `must be a finite number (got ${describe(n)})` });
    }
  });
  if (errors.length > before) return null;
  const m = arr as number[];
  // Column-major: the bottom row is m[3], m[7], m[11], m[15].
  if (Math.abs(m[3]) > 1e-3 || Math.abs(m[7]) > 1e-3 || Math.abs(m[11]) > 1e-3 || Math.abs(m[15] - 1) > 1e-3) {
    errors.push({
      path: dataPath,
      message: "is not an affine transform in column-major order (its bottom row must be 0, 0, 0, 1 at indices 3, 7, 11, 15)",
    });
    return null;
  }
  for (let c = 0; c < 3; c++) {
    const norm = Math.hypot(m[4 * c], m[4 * c + 1], m[4 * c + 2]);
    if (norm < PLAUSIBILITY.matrixColumnNorm.min || norm > PLAUSIBILITY.matrixColumnNorm.max) {
      errors.push({ path: dataPath, message: `rotation column ${c} has length ${norm.toFixed(3)}; expected a rotation (≈ 1)` });
      return null;
    }
  }
  const det =
    m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
  if (det <= 0) {
    errors.push({ path: dataPath, message: "has a negative determinant (a reflection), not a head rotation" });
    return null;
  }
  return m.slice();
}

function checkBlendshapes(value: unknown, path: string, errors: ValidationIssue[]): Blendshape[] | null {
  if (!Array.isArray(value)) {
    errors.push({ path, message: `must be an array of {categoryName, score} (got ${describe(value)})` });
    return null;
  }
  const out: Blendshape[] = [];
  const before = errors.length;
  value.forEach((item: unknown, i: number) => {
    if (errors.length - before >= PLAUSIBILITY.maxElementErrors) return;
    if (!isRecord(item)) {
      errors.push({ path: `${path}[${i}]`, message: `must be {categoryName, score} (got ${describe(item)})` });
      return;
    }
    const { categoryName, score } = item;
    if (typeof categoryName !== "string" || categoryName.length === 0 || categoryName.length > 64) {
      errors.push({ path: `${path}[${i}].categoryName`, message: "must be a non-empty string of at most 64 characters" });
      return;
    }
    if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1) {
      errors.push({ path: `${path}[${i}].score`, message: `must be a number from 0 to 1 (got ${describe(score)})` });
      return;
    }
    out.push({ categoryName, score });
  });
  return errors.length > before ? null : out;
}

/** Plausibility of the face geometry (run only on structurally valid input). */
function checkGeometry(landmarks: readonly Landmark[], width: number, height: number, path: string, errors: ValidationIssue[]): void {
  const tol = PLAUSIBILITY.faceBoxTolerance;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < MESH_POINT_COUNT; i++) {
    const l = landmarks[i];
    if (l.x < minX) minX = l.x;
    if (l.x > maxX) maxX = l.x;
    if (l.y < minY) minY = l.y;
    if (l.y > maxY) maxY = l.y;
  }
  if (minX < -tol || maxX > 1 + tol || minY < -tol || maxY > 1 + tol) {
    errors.push({
      path,
      message: `the face is not fully inside the image (face box x ${minX.toFixed(2)}–${maxX.toFixed(2)}, y ${minY.toFixed(2)}–${maxY.toFixed(2)}; expected 0–1)`,
    });
    return;
  }
  const px = toPixels(landmarks, width, height);
  const r = px[RIGHT.irisCentre];
  const l = px[LEFT.irisCentre];
  if (Math.hypot(l.x - r.x, l.y - r.y) < 1) {
    errors.push({ path, message: "the two iris centres coincide; these are not face landmarks" });
    return;
  }
  const frame = buildHeadFrame(px, IRIS_DIAMETER_MM);
  const small = Math.min(frame.irisDiameterPxRight, frame.irisDiameterPxLeft);
  const large = Math.max(frame.irisDiameterPxRight, frame.irisDiameterPxLeft);
  if (small < PLAUSIBILITY.minIrisDiameterPx) {
    errors.push({
      path,
      message: `implausible face size: the iris is only ${small.toFixed(1)} px wide (at least ${PLAUSIBILITY.minIrisDiameterPx} px is needed for the mm scale; the face is too far away or the image too small)`,
    });
    return;
  }
  if (large / small > PLAUSIBILITY.maxIrisRatio) {
    errors.push({
      path,
      message: `the two irises differ too much in size (${frame.irisDiameterPxRight.toFixed(1)} px right, ${frame.irisDiameterPxLeft.toFixed(1)} px left); the head is turned too far or detection failed`,
    });
    return;
  }
  if (frame.ipdMm < PLAUSIBILITY.ipdMm.min || frame.ipdMm > PLAUSIBILITY.ipdMm.max) {
    errors.push({
      path,
      message: `implausible face size: the distance between the pupils is ${frame.ipdMm.toFixed(1)} mm by the iris ruler (expected ${PLAUSIBILITY.ipdMm.min}–${PLAUSIBILITY.ipdMm.max} mm)`,
    });
    return;
  }
  const u = (i: number) => toFrame(frame, px[i]).u;
  const v = (i: number) => toFrame(frame, px[i]).v;
  const ordered =
    u(FACE_SIDE_RIGHT) < u(RIGHT.lateralCanthus) &&
    u(RIGHT.lateralCanthus) < u(RIGHT.medialCanthus) &&
    u(RIGHT.medialCanthus) < u(LEFT.medialCanthus) &&
    u(LEFT.medialCanthus) < u(LEFT.lateralCanthus) &&
    u(LEFT.lateralCanthus) < u(FACE_SIDE_LEFT) &&
    v(NOSE_TIP) > 0 &&
    v(CHIN) > v(NOSE_TIP);
  if (!ordered) {
    errors.push({
      path,
      message: "the landmarks are not in Face Landmarker order (eyes, nose and chin are not where index order puts them)",
    });
  }
}

function validateCaptureAt(input: unknown, prefix: string, errors: ValidationIssue[]): ExpressionCapture | null {
  if (!isRecord(input)) {
    errors.push({ path: prefix, message: `must be an object (got ${describe(input)})` });
    return null;
  }
  const before = errors.length;
  const expression = input.expression;
  if (!isExpressionId(expression)) {
    errors.push({ path: join(prefix, "expression"), message: `must be one of ${EXPRESSION_IDS.join(", ")} (got ${JSON.stringify(expression) ?? "undefined"})` });
  }
  const width = checkDimension(input.imageWidth, join(prefix, "imageWidth"), errors);
  const height = checkDimension(input.imageHeight, join(prefix, "imageHeight"), errors);
  const landmarks = checkLandmarks(input.landmarks, join(prefix, "landmarks"), errors);
  const matrix = checkMatrix(input.transformationMatrix, join(prefix, "transformationMatrix"), errors);
  let blendshapes: Blendshape[] | null | undefined;
  if (input.blendshapes !== undefined) blendshapes = checkBlendshapes(input.blendshapes, join(prefix, "blendshapes"), errors);
  if (landmarks && width && height) checkGeometry(landmarks, width, height, join(prefix, "landmarks"), errors);
  if (errors.length > before || !landmarks || !width || !height || !matrix || blendshapes === null) return null;
  return {
    expression: expression as ExpressionId,
    imageWidth: width,
    imageHeight: height,
    landmarks,
    transformationMatrix: matrix,
    ...(blendshapes ? { blendshapes } : {}),
  };
}

/** Validate one uploaded expression capture. */
export function validateExpressionCapture(input: unknown): ValidationResult<ExpressionCapture> {
  const errors: ValidationIssue[] = [];
  const value = validateCaptureAt(input, "", errors);
  return value && errors.length === 0 ? { ok: true, value } : { ok: false, errors };
}

/** Validate a diary snapshot: {captures: ExpressionCapture[]}, at most one capture per expression. */
export function validateSnapshot(input: unknown): ValidationResult<DiarySnapshot> {
  const errors: ValidationIssue[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ path: "", message: `must be an object (got ${describe(input)})` }] };
  if (!Array.isArray(input.captures) || input.captures.length === 0) {
    return { ok: false, errors: [{ path: "captures", message: "must be a non-empty array of expression captures" }] };
  }
  if (input.captures.length > EXPRESSION_IDS.length) {
    return { ok: false, errors: [{ path: "captures", message: `has ${input.captures.length} captures; at most one per expression (${EXPRESSION_IDS.length})` }] };
  }
  const captures: ExpressionCapture[] = [];
  const seen = new Set<string>();
  input.captures.forEach((c: unknown, i: number) => {
    const value = validateCaptureAt(c, `captures[${i}]`, errors);
    if (!value) return;
    if (seen.has(value.expression)) {
      errors.push({ path: `captures[${i}].expression`, message: `"${value.expression}" is captured more than once` });
      return;
    }
    seen.add(value.expression);
    captures.push(value);
  });
  return errors.length === 0 ? { ok: true, value: { captures } } : { ok: false, errors };
}

export function assertValidCapture(input: unknown): ExpressionCapture {
  const r = validateExpressionCapture(input);
  if (!r.ok) throw new SymmetryInputError(r.errors);
  return r.value;
}

export function assertValidSnapshot(input: unknown): DiarySnapshot {
  const r = validateSnapshot(input);
  if (!r.ok) throw new SymmetryInputError(r.errors);
  return r.value;
}
