/**
 * What a phone on a slow link receives: every text answer compressed (brotli when offered, else gzip),
 * the MediaPipe wasm and model compressed and kept for a year under their versioned addresses, hashed
 * build assets kept for a year, and Vary: Accept-Encoding so no cache mixes encodings. Over real HTTP
 * against the built app (npm run build makes the precompressed twins).
 */
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACE_MODEL_URL, MEDIAPIPE_WASM_URL } from "../../server/http/asset-urls";
import { CLIENT_BUILD_DIR, MEDIAPIPE_WASM_DIR, PUBLIC_DIR } from "../../server/paths";
import { seedDemo } from "../../server/services/demo-clinic";
import { signInAs } from "../setup/sign-in";
import { createClient, TEST_ORIGIN } from "../setup/test-app";
import { startTestServer } from "../setup/test-server";

const IMMUTABLE = "public, max-age=31536000, immutable";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET as a browser sends it, keeping the bytes as they came over the wire. */
function get(base: string, url: string, headers: Record<string, string>): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: url, headers: { host: new URL(TEST_ORIGIN).host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function decoded(raw: Raw): Buffer {
  const encoding = raw.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(raw.body);
  if (encoding === "gzip") return gunzipSync(raw.body);
  return raw.body;
}

const BROWSER = "gzip, deflate, br, zstd";

describe("compression and caching (production build, real HTTP)", () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let patientCookie: string;

  beforeAll(async () => {
    s = await startTestServer({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    await seedDemo(s.services);
    const client = createClient(s, "10.68.0.1");
    expect((await signInAs(client, "patient1@demo.clinic")).status).toBe(302);
    patientCookie = client.cookieHeader();
  }, 120_000);
  afterAll(async () => {
    await s?.dispose();
  });

  it("sends a hashed build asset precompressed, kept for a year, in the encoding the browser takes", async () => {
    const assets = path.join(CLIENT_BUILD_DIR, "assets");
    const file = readdirSync(assets)
      .filter((f) => f.endsWith(".js"))
      .sort((a, b) => readFileSync(path.join(assets, b)).length - readFileSync(path.join(assets, a)).length)[0]!;
    const original = readFileSync(path.join(assets, file));
    for (const [accept, expected] of [[BROWSER, "br"], ["gzip", "gzip"], ["identity", undefined]] as const) {
      const raw = await get(s.url, `/assets/${file}`, { "accept-encoding": accept });
      expect(raw.status, accept).toBe(200);
      expect(raw.headers["content-encoding"], accept).toBe(expected);
      expect(raw.headers["content-type"], accept).toMatch(/javascript/);
      expect(raw.headers["cache-control"], accept).toBe(IMMUTABLE);
      expect(raw.headers.vary, accept).toMatch(/accept-encoding/i);
      expect(decoded(raw).equals(original), accept).toBe(true);
      if (expected) expect(raw.body.length, accept).toBeLessThan(original.length / 2);
    }
  });

  it("sends the MediaPipe wasm compressed (≈ 13 MB → under 4 MB), kept for a year at its versioned address", async () => {
    const original = readFileSync(path.join(MEDIAPIPE_WASM_DIR, "vision_wasm_internal.wasm"));
    const raw = await get(s.url, `${MEDIAPIPE_WASM_URL}/vision_wasm_internal.wasm`, { "accept-encoding": BROWSER });
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toBe("application/wasm");
    expect(raw.headers["content-encoding"]).toBe("br");
    expect(raw.headers["cache-control"]).toBe(IMMUTABLE);
    expect(raw.headers.vary).toMatch(/accept-encoding/i);
    expect(raw.body.length).toBeLessThan(4_000_000);
    expect(decoded(raw).equals(original)).toBe(true);
    // Its loader script too.
    const loader = await get(s.url, `${MEDIAPIPE_WASM_URL}/vision_wasm_internal.js`, { "accept-encoding": "gzip" });
    expect([loader.status, loader.headers["content-encoding"], loader.headers["cache-control"]]).toEqual([200, "gzip", IMMUTABLE]);
  });

  it("sends the face model compressed and immutable at its hashed address, and for a day without the hash", async () => {
    const original = readFileSync(path.join(PUBLIC_DIR, "models", "face_landmarker.task"));
    const raw = await get(s.url, FACE_MODEL_URL, { "accept-encoding": BROWSER });
    expect(raw.status).toBe(200);
    expect(raw.headers["content-encoding"]).toBe("br");
    expect(raw.headers["cache-control"]).toBe(IMMUTABLE);
    expect(raw.headers.vary).toMatch(/accept-encoding/i);
    expect(raw.body.length).toBeLessThan(original.length);
    expect(decoded(raw).equals(original)).toBe(true);
    const unversioned = await get(s.url, "/models/face_landmarker.task?v=0000", { "accept-encoding": BROWSER });
    expect(unversioned.headers["cache-control"]).toBe("public, max-age=86400");
  });

  it("compresses a page's HTML and its data request", async () => {
    for (const [accept, expected] of [[BROWSER, "br"], ["gzip, deflate", "gzip"], ["br;q=0, gzip", "gzip"]] as const) {
      const page = await get(s.url, "/patient", { "accept-encoding": accept, cookie: patientCookie });
      expect(page.status, accept).toBe(200);
      expect(page.headers["content-type"], accept).toMatch(/text\/html/);
      expect(page.headers["content-encoding"], accept).toBe(expected);
      expect(page.headers["content-length"], accept).toBeUndefined();
      expect(page.headers.vary, accept).toMatch(/accept-encoding/i);
      // The whole streamed page, up to its last deferred chunk.
      const html = decoded(page).toString("utf8");
      expect(html, accept).toMatch(/^<!DOCTYPE html>/i);
      expect(html, accept).toContain("streamController.close()");
    }
    const plain = await get(s.url, "/patient", { cookie: patientCookie });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const data = await get(s.url, "/patient.data", { "accept-encoding": BROWSER, cookie: patientCookie });
    expect([data.status, data.headers["content-encoding"]]).toEqual([200, "br"]);
  });

  it("compresses a JSON API answer", async () => {
    const raw = await get(s.url, "/api/diary/consent", { "accept-encoding": BROWSER, cookie: patientCookie });
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toMatch(/application\/json/);
    expect(raw.headers["content-encoding"]).toBe("br");
    expect(raw.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(decoded(raw).toString("utf8"))).toMatchObject({ modelUrl: FACE_MODEL_URL });
  });
});
