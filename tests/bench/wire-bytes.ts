/**
 * Bytes over the wire for a phone's first visit (cold: empty cache) and its next one (warm: hashed
 * assets, the wasm and the model cached, as `immutable` allows), per page: home, booking, the session
 * page before and after opening the board, and the diary capture page. Each file is fetched from the
 * running built app with a browser's Accept-Encoding, and counted as sent (compressed). The files of a
 * page are those its HTML preloads, plus the chunks loaded when the page's lazy parts open (read from
 * the build), plus MediaPipe's wasm and model for the capture.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { FACE_MODEL_URL, MEDIAPIPE_WASM_URL } from "../../server/http/asset-urls";
import { CLIENT_BUILD_DIR } from "../../server/paths";
import { signInOverHttp } from "../setup/sign-in";
import { chunk, closure, kB } from "./bundle-size";
import { startApp } from "./calls";

const ACCEPT = "gzip, deflate, br, zstd";

async function wireBytes(url: string, cookie = "", acceptEncoding = ACCEPT): Promise<{ bytes: number; html: string }> {
  const response = await fetch(url, { headers: { cookie, "accept-encoding": acceptEncoding }, redirect: "manual" });
  // fetch decodes; the compressed size is what came over the wire. Count it by asking for the raw stream.
  const raw = await rawSize(url, cookie, acceptEncoding);
  return { bytes: raw, html: response.headers.get("content-type")?.includes("html") ? await response.text() : "" };
}

async function rawSize(url: string, cookie: string, acceptEncoding: string): Promise<number> {
  const { request } = await import("node:http");
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: { cookie, "accept-encoding": acceptEncoding } }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => resolve(n + headerBytes(res.rawHeaders)));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const headerBytes = (raw: string[]) => raw.reduce((n, h) => n + h.length + 2, 0);

/** The JS and CSS a page's HTML asks for before it runs. */
function preloaded(html: string): string[] {
  return [...html.matchAll(/<link[^>]+(?:rel="modulepreload"|rel="stylesheet")[^>]*href="(\/assets\/[^"]+)"/g), ...html.matchAll(/import\("(\/assets\/[^"]+)"\)/g)].map((m) => m[1]!);
}

/** A lazy part's chunks (static closure) and the CSS that comes with them, as /assets/ paths. */
function lazyPart(prefix: string): string[] {
  const assets = readdirSync(path.join(CLIENT_BUILD_DIR, "assets"));
  const js = [...closure([chunk(prefix)])];
  const css = js.flatMap((f) => assets.filter((a) => a.endsWith(".css") && a.replace(/-[\w-]{8}\.css$/, "") === f.replace(/-[\w-]{8}\.js$/, "")));
  return [...js, ...css].map((f) => `/assets/${f}`);
}

async function sumFiles(base: string, files: Iterable<string>, seen: Set<string>): Promise<number> {
  let total = 0;
  for (const f of files) {
    if (seen.has(f)) continue;
    seen.add(f);
    total += await rawSize(`${base}${f}`, "", ACCEPT);
  }
  return total;
}

/** Excalidraw's chunk (the board's lazy part): its name comes from Excalidraw, so find it by what it holds. */
function boardChunkPrefix(): string {
  const dir = path.join(CLIENT_BUILD_DIR, "assets");
  const file = readdirSync(dir).find((f) => f.endsWith(".js") && readFileSync(path.join(dir, f), "utf8").includes('"board-canvas"'));
  if (!file) throw new Error("No board chunk in the build");
  return file.replace(/-[\w-]{8}\.js$/, "");
}

/** The capture's dynamic import of MediaPipe is its own chunk (vision_bundle). */
function visionChunk(): string {
  return `/assets/${readdirSync(path.join(CLIENT_BUILD_DIR, "assets")).find((f) => f.startsWith("vision_bundle-") && f.endsWith(".js"))}`;
}

export async function runWireBytesBench(): Promise<Record<string, string | number>[]> {
  const app = await startApp();
  try {
    const base = app.url;
    const patient = await signInOverHttp(base, "patient1@demo.clinic");
    const therapist = await signInOverHttp(base, "therapist1@demo.clinic");
    // The capture needs the face consent.
    await fetch(`${base}/diary/consent`, { method: "POST", redirect: "manual", headers: { cookie: patient, origin: base, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ scope: "landmarks", agree: "yes" }) });
    // A session to open: the therapist schedules one a minute ahead (as the call bench does), in their zone.
    const home = await fetch(`${base}/therapist`, { headers: { cookie: therapist } }).then((r) => r.text());
    const patientId = /<option value="([^"]+)"[^>]*>Paula Patient<\/option>/.exec(home)?.[1] ?? "";
    const start = new Date(Date.now() + 60_000);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Sofia", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(start).map((p) => [p.type, p.value]));
    const scheduled = await fetch(`${base}/therapist`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: therapist, origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ patientId, kind: "supporting", startsAtLocal: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}` }),
    });
    const sessionPath = scheduled.headers.get("location")?.match(/^\/sessions\/[^/?]+$/)?.[0];
    const rows: Record<string, string | number>[] = [];
    const page = async (name: string, url: string, cookie: string, extra: { files?: string[]; after?: { name: string; files: string[] } } = {}, target = "") => {
      const doc = await wireBytes(`${base}${url}`, cookie);
      const seen = new Set<string>();
      const assets = await sumFiles(base, [...preloaded(doc.html), ...(extra.files ?? [])], seen);
      const identity = await rawSize(`${base}${url}`, cookie, "identity");
      rows.push({ page: name, "cold (empty cache)": kB(doc.bytes + assets), "warm (cached assets)": kB(doc.bytes), "HTML uncompressed → sent": `${kB(identity)} → ${kB(doc.bytes)}`, target });
      if (extra.after) {
        const more = await sumFiles(base, extra.after.files, seen);
        rows.push({ page: extra.after.name, "cold (empty cache)": `+${kB(more)}`, "warm (cached assets)": "+0 kB", "HTML uncompressed → sent": "", target: "" });
      }
    };
    await page("home", "/", "");
    await page("booking", "/patient/book", patient);
    if (!sessionPath) rows.push({ page: "session page", "cold (empty cache)": `not measured: scheduling answered ${scheduled.status}`, "warm (cached assets)": "", "HTML uncompressed → sent": "", target: "" });
    else {
      await page("session page, before the board", sessionPath, therapist, { files: lazyPart("call-room.client"), after: { name: "… opening the board", files: lazyPart(boardChunkPrefix()) } }, "≤ 150 kB before the board (was 394.6 kB JS)");
    }
    const wasm = [`${MEDIAPIPE_WASM_URL}/vision_wasm_internal.js`, `${MEDIAPIPE_WASM_URL}/vision_wasm_internal.wasm`, FACE_MODEL_URL];
    await page("diary capture (with wasm and model)", "/diary/capture", patient, { files: [...lazyPart("capture-flow.client"), visionChunk(), ...wasm] }, "≤ 5 MB cold, ≤ 100 kB warm (was ≈ 17.6 MB)");
    return rows;
  } finally {
    app.child.kill("SIGTERM");
  }
}
