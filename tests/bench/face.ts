/**
 * Face snapshot benchmark (run with `node --import tsx tests/bench/run-face.ts` after `npx remix vite:build`):
 * - Face Landmarker VIDEO-mode inference per 640×480 frame in headless Chromium (real model, fake camera
 *   playing the fixture video, a static page on a tiny local server);
 * - "Start capture" → stored snapshot on the real app for the two-expression fixture run (rest + big smile);
 * - the server's measure computation per snapshot (computeSnapshotMeasures);
 * - the capture page's JavaScript (gzip) without and with the lazily loaded MediaPipe bundle.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { getRequestListener } from "@hono/node-server";
import { chromium, type Browser } from "@playwright/test";
import { fakeCameraVideo } from "../fixtures/face/fake-camera";
import { repeatabilityTable } from "../fixtures/face/video-captures";
import { REPEATABILITY, sdcOf } from "../../server/domain/diary/repeatability";
import { computeSnapshotMeasures } from "../../server/domain/symmetry";
import { fixtureCapture } from "../../server/domain/symmetry/test-support";
import { CLIENT_BUILD_DIR, MEDIAPIPE_WASM_DIR, PROJECT_ROOT, PUBLIC_DIR, SERVER_BUILD_FILE } from "../../server/paths";
import { attachRealtime } from "../../server/realtime/socket-server";
import { lateNotifier } from "../../server/services/create-services";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { seedDemo } from "../../server/services/demo-clinic";
import { createTestApp } from "../setup/test-app";

const VIDEO = fakeCameraVideo();
const FRAMES = 40;

type Row = Record<string, string | number>;

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: Math.round(q(0.5) * 10) / 10, p95: Math.round(q(0.95) * 10) / 10 };
}

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${VIDEO}`],
  });
}

const PAGE = `<!doctype html><html><body><video id="v" muted playsinline></video><script type="module">
import { FilesetResolver, FaceLandmarker } from "/vision_bundle.mjs";
const fileset = await FilesetResolver.forVisionTasks("/wasm");
const lm = await FaceLandmarker.createFromOptions(fileset, { baseOptions: { modelAssetPath: "/face_landmarker.task", delegate: "CPU" }, runningMode: "VIDEO", numFaces: 2, outputFaceBlendshapes: true, outputFacialTransformationMatrixes: true });
const v = document.getElementById("v");
v.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
await v.play();
const times = []; let faces = 0; let last = 0;
await new Promise((done) => { const tick = () => { const t = Math.max(performance.now(), last + 1); last = t; const t0 = performance.now(); const r = lm.detectForVideo(v, t); times.push(performance.now() - t0); if (r.faceLandmarks[0]?.length === 478) faces++; if (times.length >= ${FRAMES + 1}) done(); else v.requestVideoFrameCallback(tick); }; v.requestVideoFrameCallback(tick); });
window.__bench = { first: times[0], rest: times.slice(1), faces, width: v.videoWidth, height: v.videoHeight };
</script></body></html>`;

async function inferenceBench(browser: Browser): Promise<Row> {
  const files: Record<string, [string, string]> = {
    "/vision_bundle.mjs": [path.join(MEDIAPIPE_WASM_DIR, "..", "vision_bundle.mjs"), "text/javascript"],
    "/face_landmarker.task": [path.join(PUBLIC_DIR, "models", "face_landmarker.task"), "application/octet-stream"],
  };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    const file = files[url] ?? (url.startsWith("/wasm/") ? [path.join(MEDIAPIPE_WASM_DIR, path.basename(url)), url.endsWith(".wasm") ? "application/wasm" : "text/javascript"] : null);
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[1] }).end(readFileSync(file[0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const r = (await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench, undefined, { timeout: 120_000 }).then((h) => h.jsonValue())) as { first: number; rest: number[]; faces: number; width: number; height: number };
  await page.close();
  server.close();
  const s = stats(r.rest);
  return {
    measure: "Face Landmarker detectForVideo per frame (headless Chromium, CPU) = the live feedback's loop on the practice page",
    frame: `${r.width}×${r.height}`,
    frames: s.n,
    facesFound: r.faces,
    median_ms: s.median,
    p95_ms: s.p95,
    live_feedback_fps: Math.round((1000 / s.median) * 10) / 10,
    first_frame_ms: Math.round(r.first),
  };
}

async function captureBench(browser: Browser): Promise<Row> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const origin = `http://127.0.0.1:${port}`;
  const notifier = lateNotifier();
  const t = await createTestApp({ kind: "pglite", env: { PUBLIC_URL: origin, DATA_DIR: path.join(PROJECT_ROOT, "data", "bench") }, notifier });
  await seedDemo(t.services);
  const http = createServer(getRequestListener(t.app.fetch));
  const realtime = attachRealtime(http, t.services, {});
  notifier.target = realtime.notifier;
  await new Promise<void>((r) => http.listen(port, "127.0.0.1", r));
  try {
    const context = await browser.newContext({ baseURL: origin, permissions: ["camera"] });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("E-mail").fill("patient1@demo.clinic");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto("/diary/consent");
    await page.getByLabel(/I agree that my browser measures my face/).check();
    await page.getByRole("button", { name: "Give my consent" }).click();
    await page.getByText("Face measurements: consent given").waitFor();
    const loadStart = Date.now();
    await page.goto("/diary/capture?only=rest,big_smile");
    await page.getByRole("button", { name: "Start capture" }).click({ timeout: 60_000 });
    const readyMs = Date.now() - loadStart;
    await page.getByRole("button", { name: "Save snapshot" }).click({ timeout: 60_000 });
    await page.waitForURL(/snapshot=saved/);
    const ms = await page.evaluate(() => {
      const start = performance.getEntriesByName("face-capture-start")[0];
      const stored = performance.getEntriesByName("face-snapshot-stored")[0];
      return start && stored ? stored.startTime - start.startTime : NaN;
    });
    await context.close();
    return { measure: "Start capture → stored snapshot (rest + big smile, fixture video; includes 2 × 2.5 s 'get ready' pauses)", ms: Math.round(ms), page_to_ready_ms: readyMs };
  } finally {
    await realtime.close();
    await new Promise<void>((r) => http.close(() => r()));
    await t.dispose();
  }
}

function computeBench(): Row {
  const snapshot = { captures: [fixtureCapture("london-004_rest.jpg", "rest"), fixtureCapture("london-004_smile.jpg", "big_smile"), fixtureCapture("london-025_smile.jpg", "closed_smile")] };
  for (let i = 0; i < 10; i++) computeSnapshotMeasures(snapshot);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    computeSnapshotMeasures(snapshot, { affectedSide: "left" });
    times.push(performance.now() - t0);
  }
  const s = stats(times);
  return { measure: "Server computeSnapshotMeasures per snapshot (3 expressions, incl. validation)", runs: s.n, median_ms: s.median, p95_ms: s.p95 };
}

async function bundleBench(): Promise<Row[]> {
  const build = (await import(SERVER_BUILD_FILE)) as { assets: { entry: { module: string; imports: string[] }; routes: Record<string, { module: string; imports?: string[] }> } };
  const { assets } = build;
  const gz = (url: string) => gzipSync(readFileSync(path.join(CLIENT_BUILD_DIR, url.replace(/^\//, "")))).length;
  const route = assets.routes["routes/diary.capture"]!;
  const root = assets.routes["root"]!;
  const preload = new Set([assets.entry.module, ...assets.entry.imports, root.module, ...(root.imports ?? []), route.module, ...(route.imports ?? [])]);
  const assetsDir = path.join(CLIENT_BUILD_DIR, "assets");
  const lazy = (prefix: string) => readdirSync(assetsDir).filter((f) => f.startsWith(prefix) && f.endsWith(".js")).map((f) => `/assets/${f}`);
  const captureChunk = lazy("capture-flow.client-");
  const vision = lazy("vision_bundle-");
  const base = [...preload].reduce((n, u) => n + gz(u), 0);
  const flow = captureChunk.reduce((n, u) => n + gz(u), 0);
  const mp = vision.reduce((n, u) => n + gz(u), 0);
  const wasm = gzipSync(readFileSync(path.join(MEDIAPIPE_WASM_DIR, "vision_wasm_internal.wasm"))).length;
  const kb = (n: number) => Math.round(n / 102.4) / 10;
  return [
    { measure: "Capture page JS, gzip, without MediaPipe (modulepreload list + lazy capture component)", kB: kb(base + flow), files: preload.size + captureChunk.length },
    { measure: "Capture page JS, gzip, with MediaPipe (adds the lazily imported vision bundle)", kB: kb(base + flow + mp), vision_bundle_kB: kb(mp) },
    { measure: "MediaPipe wasm fetched at run time (vision_wasm_internal.wasm, gzip)", kB: kb(wasm) },
  ];
}

export async function runFaceBench(): Promise<Record<string, string | number>[]> {
  const rows: Row[] = [];
  const browser = await launch();
  try {
    rows.push(await inferenceBench(browser));
    rows.push(await captureBench(browser));
  } finally {
    await browser.close();
  }
  rows.push(computeBench());
  // The repeatability table (docs/face-measures.md §5): SD of each trend measure over repeated fixture captures.
  for (const r of repeatabilityTable()) {
    const f = (v: number | null) => (v === null ? "–" : v.toFixed(3));
    rows.push({ measure: `Repeatability: ${r.key}`, sd_consecutive: f(r.consecutiveSd), sd_subsampled: f(r.subsampledSd), sd_photo_vs_video: f(r.stillVsVideoSd), sd: f(r.sd), sdc_measured: f(sdcOf(r.sd)), sdc_used: REPEATABILITY[r.key as keyof typeof REPEATABILITY].sdc });
  }
  rows.push(...(await bundleBench()));
  return rows;
}
