/**
 * 3-D similarity registration (rotation, uniform scale, translation) by least squares — Horn's closed-form
 * quaternion solution, equivalent to Umeyama's SVD method and always a proper rotation (no reflection).
 * Used to register an expression frame onto the rest frame on stable landmarks (notes §3 M6, §6.4).
 */
export type Vec3 = readonly [number, number, number];

export interface SimilarityTransform {
  readonly scale: number;
  /** Row-major 3×3 rotation. */
  readonly rotation: readonly [number, number, number, number, number, number, number, number, number];
  readonly translation: Vec3;
  /** Rotation angle in degrees. */
  readonly rotationDeg: number;
  /** Root-mean-square residual of the fitted points, in the target's units. */
  readonly rms: number;
}

/** Eigen-decomposition of a symmetric 4×4 matrix by cyclic Jacobi rotations; returns the eigenvector of the largest eigenvalue. */
function largestEigenvector4(a: number[][]): [number, number, number, number] {
  const n = 4;
  const m = a.map((row) => row.slice());
  const v = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] * m[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (m[i][i] > m[best][best]) best = i;
  return [v[0][best], v[1][best], v[2][best], v[3][best]];
}

/**
 * Find s, R, t minimising Σ |target_i − (s·R·source_i + t)|².
 * Throws if fewer than 3 points or the source points are degenerate.
 */
export function fitSimilarity3d(source: readonly Vec3[], target: readonly Vec3[]): SimilarityTransform {
  const n = source.length;
  if (n < 3 || target.length !== n) throw new Error("fitSimilarity3d needs at least 3 corresponding points");
  const ca = [0, 0, 0];
  const cb = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      ca[k] += source[i][k] / n;
      cb[k] += target[i][k] / n;
    }
  }
  // Cross-covariance S[j][k] = Σ a_j b_k over centred points; σa² = Σ |a|².
  const S = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  let varA = 0;
  for (let i = 0; i < n; i++) {
    const a = [source[i][0] - ca[0], source[i][1] - ca[1], source[i][2] - ca[2]];
    const b = [target[i][0] - cb[0], target[i][1] - cb[1], target[i][2] - cb[2]];
    varA += a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) S[j][k] += a[j] * b[k];
  }
  if (!(varA > 1e-12)) throw new Error("fitSimilarity3d: degenerate source points");
  const [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = S;
  const N = [
    [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
    [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
    [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
    [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
  ];
  const [q0, qx, qy, qz] = largestEigenvector4(N);
  const norm = Math.hypot(q0, qx, qy, qz);
  const w = q0 / norm;
  const x = qx / norm;
  const y = qy / norm;
  const z = qz / norm;
  const R = [
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ] as const;
  // Optimal scale: Σ b·(R a) / Σ |a|² = trace(R Sᵀ)/σa² ... computed directly from S.
  let dot = 0;
  for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) dot += R[3 * k + j] * S[j][k];
  const scale = dot / varA;
  const t: Vec3 = [
    cb[0] - scale * (R[0] * ca[0] + R[1] * ca[1] + R[2] * ca[2]),
    cb[1] - scale * (R[3] * ca[0] + R[4] * ca[1] + R[5] * ca[2]),
    cb[2] - scale * (R[6] * ca[0] + R[7] * ca[1] + R[8] * ca[2]),
  ];
  const transform = { scale, rotation: R, translation: t };
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const p = applySimilarity(transform, source[i]);
    sq += (p[0] - target[i][0]) ** 2 + (p[1] - target[i][1]) ** 2 + (p[2] - target[i][2]) ** 2;
  }
  const cosAngle = Math.max(-1, Math.min(1, (R[0] + R[4] + R[8] - 1) / 2));
  return { ...transform, rotationDeg: (Math.acos(cosAngle) * 180) / Math.PI, rms: Math.sqrt(sq / n) };
}

export function applySimilarity(
  t: Pick<SimilarityTransform, "scale" | "rotation" | "translation">,
  p: Vec3,
): [number, number, number] {
  const R = t.rotation;
  return [
    t.scale * (R[0] * p[0] + R[1] * p[1] + R[2] * p[2]) + t.translation[0],
    t.scale * (R[3] * p[0] + R[4] * p[1] + R[5] * p[2]) + t.translation[1],
    t.scale * (R[6] * p[0] + R[7] * p[1] + R[8] * p[2]) + t.translation[2],
  ];
}
