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
