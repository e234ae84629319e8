/**
 * Test-only helpers: load the precomputed Face Landmarker output of the face fixtures
 * (tests/fixtures/face/mediapipe-landmarks.json) and transform captures.
 * Imported only by *.test.ts files.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { FACE_FIXTURES_DIR } from "../../../tests/fixtures/face/fake-camera";
import type { ExpressionId } from "./expressions";
import type { ExpressionCapture } from "./validate-snapshot";

export const FIXTURE_FILE = path.join(FACE_FIXTURES_DIR, "mediapipe-landmarks.json");

interface FixtureImage {
  width: number;
  height: number;
  faces: number;
  landmarks: [number, number, number][];
  matrix: number[];
  blendshapes: Record<string, number>;
}

export const fixtures = JSON.parse(readFileSync(FIXTURE_FILE, "utf8")) as { images: Record<string, FixtureImage> };

export const HEALTHY_IMAGES = [
  "london-004_rest.jpg",
  "london-004_smile.jpg",
  "london-025_rest.jpg",
  "london-025_smile.jpg",
  "selfie-lisa_frontal.jpg",
  "selfie-lisa_head-roll.jpg",
  "selfie-zoom_60cm.jpg",
] as const;

export function fixtureCapture(name: string, expression: ExpressionId = "rest"): ExpressionCapture {
  const im = fixtures.images[name];
  if (!im) throw new Error(`no fixture ${name}`);
  return {
    expression,
    imageWidth: im.width,
    imageHeight: im.height,
    landmarks: im.landmarks.map(([x, y, z]) => ({ x, y, z })),
    transformationMatrix: im.matrix.slice(),
    blendshapes: Object.entries(im.blendshapes).map(([categoryName, score]) => ({ categoryName, score })),
  };
}

/**
 * Rotate the capture in the image plane by `deg` about the face centre, scale it by `scale` and place it in a
 * new `width`×`height` image with the face centre at (cx, cy) px. Works in pixels (x·w, y·h, z·w) and
 * re-normalises, so non-square images stay correct; z scales with the image.
 */
export function transformCapture(
  c: ExpressionCapture,
  t: { deg: number; scale: number; width: number; height: number; cx: number; cy: number },
): ExpressionCapture {
  const px = c.landmarks.map((l) => ({ x: l.x * c.imageWidth, y: l.y * c.imageHeight, z: l.z * c.imageWidth }));
  const mx = px.reduce((s, p) => s + p.x, 0) / px.length;
  const my = px.reduce((s, p) => s + p.y, 0) / px.length;
  const a = (t.deg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const landmarks = px.map((p) => {
    const dx = p.x - mx;
    const dy = p.y - my;
    return {
      x: (t.cx + t.scale * (cos * dx - sin * dy)) / t.width,
      y: (t.cy + t.scale * (sin * dx + cos * dy)) / t.height,
      z: (t.scale * p.z) / t.width,
    };
  });
  return { ...c, imageWidth: t.width, imageHeight: t.height, landmarks };
}

/**
 * Turn the head in 3-D: rotate the pixel-space landmarks (x·w, y·h, z·w) about their centroid by yaw (about the
 * image's vertical axis), then pitch (about the horizontal axis), and re-normalise. The transformation matrix is
 * left as it was, as if only the landmarks had been rotated.
 */
export function rotateCapture3d(c: ExpressionCapture, yawDeg: number, pitchDeg: number): ExpressionCapture {
  const px = c.landmarks.map((l) => [l.x * c.imageWidth, l.y * c.imageHeight, l.z * c.imageWidth] as const);
  const m = [0, 1, 2].map((k) => px.reduce((s, p) => s + p[k]!, 0) / px.length);
  const y = (yawDeg * Math.PI) / 180;
  const p = (pitchDeg * Math.PI) / 180;
  const landmarks = px.map(([x0, y0, z0]) => {
    let dx = x0 - m[0]!;
    let dy = y0 - m[1]!;
    let dz = z0 - m[2]!;
    // Yaw + turns the head towards the patient's left: their left side (image right) moves away (z grows).
    [dx, dz] = [Math.cos(y) * dx - Math.sin(y) * dz, Math.sin(y) * dx + Math.cos(y) * dz];
    // Pitch + = chin down: the lower face moves away (z grows).
    [dy, dz] = [Math.cos(p) * dy - Math.sin(p) * dz, Math.sin(p) * dy + Math.cos(p) * dz];
    return { x: (m[0]! + dx) / c.imageWidth, y: (m[1]! + dy) / c.imageHeight, z: (m[2]! + dz) / c.imageWidth };
  });
  return { ...c, landmarks };
}

/**
 * A fixture as the capture page uploads it: `n` frames of the expression (the fixture's landmarks with a
 * deterministic jitter of up to ±`jitterPx` px, as a steady head gives), compact [x, y, z] landmarks.
 */
export function framedFixtureCapture(name: string, expression: ExpressionId = "rest", n = 10, jitterPx = 0.5) {
  const c = fixtureCapture(name, expression);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const frames = Array.from({ length: n }, () => ({
    landmarks: c.landmarks.map((l) => [l.x + (rand() * jitterPx) / c.imageWidth, l.y + (rand() * jitterPx) / c.imageHeight, l.z] as [number, number, number]),
    transformationMatrix: c.transformationMatrix.slice(),
    blendshapes: (c.blendshapes ?? []).slice(),
  }));
  return { expression, imageWidth: c.imageWidth, imageHeight: c.imageHeight, frames };
}
