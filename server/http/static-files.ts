/**
 * The app's static files: the build's hashed assets, the favicon, Excalidraw's fonts, and the face
 * capture's MediaPipe wasm and model. Each is sent as its precompressed `.br`/`.gz` twin when the
 * browser accepts it (made at build time, see precompress.ts), and files whose address changes with
 * their content are cached for a year (`immutable`).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { CLIENT_BUILD_DIR, MEDIAPIPE_WASM_DIR, PROJECT_ROOT, PUBLIC_DIR } from "../paths";
import { FACE_MODEL_VERSION, MEDIAPIPE_WASM_URL } from "./asset-urls";

export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Files at an address that does not change with their content: a day, then revalidated. */
const DAY = "public, max-age=86400";

const EXCALIDRAW_ASSETS = path.join(PROJECT_ROOT, "node_modules", "@excalidraw", "excalidraw", "dist", "prod");
/** Where the build puts its copy of the MediaPipe wasm (with its compressed twins). */
export const BUILT_MEDIAPIPE_DIR = path.join(CLIENT_BUILD_DIR, MEDIAPIPE_WASM_URL);

export const STATIC_PREFIXES = ["/assets/", "/favicon", "/fonts/", "/models/", "/mediapipe/", "/excalidraw-assets/"];

/** Caches share one URL between encodings only if told the answer depends on Accept-Encoding. */
function cacheFor(cacheControl: string | ((c: Context) => string)) {
  return (_path: string, c: Context) => {
    c.header("Cache-Control", typeof cacheControl === "string" ? cacheControl : cacheControl(c));
    if (!/accept-encoding/i.test(c.res.headers.get("Vary") ?? "")) c.header("Vary", "Accept-Encoding", { append: true });
  };
}

function under(prefix: string, root: string, cacheControl: string | ((c: Context) => string), precompressed: boolean): MiddlewareHandler {
  return serveStatic({ root, precompressed, rewriteRequestPath: (p) => p.slice(prefix.length), onFound: cacheFor(cacheControl) });
}

/** Mounts every static route before the session lookup: they never need the database. */
export function mountStaticFiles<E extends Env>(app: Hono<E>, mode: "development" | "production"): void {
  const built = mode === "production" && existsSync(CLIENT_BUILD_DIR);
  if (built) app.use("/assets/*", under("", CLIENT_BUILD_DIR, IMMUTABLE, true));
  const publicRoot = built ? CLIENT_BUILD_DIR : PUBLIC_DIR;
  if (existsSync(path.join(publicRoot, "favicon.svg"))) app.use("/favicon.svg", serveStatic({ root: publicRoot, precompressed: built, onFound: cacheFor(DAY) }));
  app.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));
  // Excalidraw's fonts, served by the app itself (window.EXCALIDRAW_ASSET_PATH), never from a CDN.
  app.use("/excalidraw-assets/*", under("/excalidraw-assets", EXCALIDRAW_ASSETS, "public, max-age=604800", false));

  // Face snapshots: MediaPipe's wasm and the Face Landmarker model come from this server, never a CDN
  // (only the capture page fetches them). The versioned wasm address is immutable; the build holds a
  // precompressed copy (13 MB of wasm is ~2.8 MB in brotli). @hono/node-server serves .wasm as application/wasm.
  app.use(`${MEDIAPIPE_WASM_URL}/*`, under(MEDIAPIPE_WASM_URL, built && existsSync(BUILT_MEDIAPIPE_DIR) ? BUILT_MEDIAPIPE_DIR : MEDIAPIPE_WASM_DIR, IMMUTABLE, built));
  // The unversioned address of earlier pages still works, cached for a day.
  app.use("/mediapipe/wasm/*", under("/mediapipe/wasm", MEDIAPIPE_WASM_DIR, DAY, false));
  // The model's address carries its hash (?v=): with the current one it never changes.
  const modelCache = (c: Context) => (c.req.query("v") === FACE_MODEL_VERSION ? IMMUTABLE : DAY);
  app.use("/models/*", under("/models", path.join(publicRoot, "models"), modelCache, built));
}
