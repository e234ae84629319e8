/**
 * Simple line drawings for the demo catalogue, drawn here and encoded as PNG with node:zlib (no image
 * library): a face outline with arrows showing the direction of a movement. Generated on request from
 * their "builtin:" storage key, so the demo needs no files on disk.
 */
import { deflateSync } from "node:zlib";

type Shape =
  | { kind: "ring"; cx: number; cy: number; rx: number; ry: number; width: number; color: RGB }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number; width: number; color: RGB }
  | { kind: "dot"; cx: number; cy: number; r: number; color: RGB };
type RGB = [number, number, number];

const INK: RGB = [40, 52, 70];
const ACCENT: RGB = [0, 102, 153];
const WIDTH = 320;
const HEIGHT = 260;

function arrow(x1: number, y1: number, x2: number, y2: number): Shape[] {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const head = 12;
  const wing = (delta: number): Shape => ({
    kind: "line",
    x1: x2,
    y1: y2,
    x2: x2 - head * Math.cos(angle + delta),
    y2: y2 - head * Math.sin(angle + delta),
    width: 3,
    color: ACCENT,
  });
  return [{ kind: "line", x1, y1, x2, y2, width: 3, color: ACCENT }, wing(0.5), wing(-0.5)];
}

function face(): Shape[] {
  return [
    { kind: "ring", cx: 160, cy: 130, rx: 88, ry: 110, width: 3, color: INK },
    { kind: "line", x1: 105, y1: 85, x2: 140, y2: 80, width: 3, color: INK },
    { kind: "line", x1: 180, y1: 80, x2: 215, y2: 85, width: 3, color: INK },
    { kind: "ring", cx: 123, cy: 105, rx: 13, ry: 7, width: 2, color: INK },
    { kind: "ring", cx: 197, cy: 105, rx: 13, ry: 7, width: 2, color: INK },
    { kind: "line", x1: 160, y1: 115, x2: 153, y2: 150, width: 2, color: INK },
    { kind: "line", x1: 153, y1: 150, x2: 165, y2: 152, width: 2, color: INK },
    { kind: "line", x1: 135, y1: 185, x2: 185, y2: 185, width: 3, color: INK },
  ];
}

export const DEMO_DRAWINGS: Record<string, () => Shape[]> = {
  "eyebrow-lift": () => [...face(), ...arrow(122, 72, 122, 42), ...arrow(198, 72, 198, 42)],
  "eye-closure": () => [...face(), ...arrow(90, 78, 108, 98), ...arrow(230, 78, 212, 98)],
  "closed-lip-smile": () => [...face(), ...arrow(132, 190, 100, 172), ...arrow(188, 190, 220, 172)],
  "lip-pucker": () => [...face(), ...arrow(105, 185, 128, 185), ...arrow(215, 185, 192, 185)],
  "cheek-release": () => [...face(), ...arrow(95, 150, 95, 185), ...arrow(225, 150, 225, 185), { kind: "dot", cx: 160, cy: 235, r: 0, color: INK }],
};

function rasterise(shapes: Shape[]): Buffer {
  const rowBytes = WIDTH * 3 + 1;
  const raw = Buffer.alloc(rowBytes * HEIGHT, 255);
  for (let y = 0; y < HEIGHT; y++) raw[y * rowBytes] = 0; // filter: none
  const put = (x: number, y: number, [r, g, b]: RGB) => {
    if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) return;
    const at = y * rowBytes + 1 + x * 3;
    raw[at] = r;
    raw[at + 1] = g;
    raw[at + 2] = b;
  };
  for (const shape of shapes) {
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        let inside: boolean;
        if (shape.kind === "ring") {
          const d = Math.hypot((x - shape.cx) / shape.rx, (y - shape.cy) / shape.ry);
          inside = Math.abs(d - 1) * Math.min(shape.rx, shape.ry) <= shape.width / 2;
        } else if (shape.kind === "dot") {
          inside = Math.hypot(x - shape.cx, y - shape.cy) <= shape.r;
        } else {
          const dx = shape.x2 - shape.x1;
          const dy = shape.y2 - shape.y1;
          const t = Math.max(0, Math.min(1, ((x - shape.x1) * dx + (y - shape.y1) * dy) / (dx * dx + dy * dy || 1)));
          inside = Math.hypot(x - (shape.x1 + t * dx), y - (shape.y1 + t * dy)) <= shape.width / 2;
        }
        if (inside) put(x, y, shape.color);
      }
    }
  }
  return raw;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A minimal truecolour PNG (IHDR, one IDAT, IEND). */
export function encodePng(width: number, height: number, rawRows: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(rawRows)), chunk("IEND", Buffer.alloc(0))]);
}

const cache = new Map<string, Buffer>();

export function demoDrawingPng(name: string): Buffer | null {
  const draw = DEMO_DRAWINGS[name];
  if (!draw) return null;
  let png = cache.get(name);
  if (!png) {
    png = encodePng(WIDTH, HEIGHT, rasterise(draw()));
    cache.set(name, png);
  }
  return png;
}
