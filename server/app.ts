import { existsSync } from "node:fs";
import path from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { isDatabaseUnavailable, pingDatabase } from "../db/client";
import { guardBuild } from "./access/guard-build";
import { createApiApp } from "./api";
import { type AuthSession, CLIENT_IP_HEADER, getAuthSessionRefreshing } from "./auth/auth";
import { cookieHeaderForAuth, hostPrefixedSetCookie } from "./auth/host-cookies";
import { databaseUnavailableResponse } from "./database-unavailable";
import { maskPath } from "./logger";
import { HSTS } from "./security-headers";
import { CLIENT_BUILD_DIR, MEDIAPIPE_WASM_DIR, PROJECT_ROOT, PUBLIC_DIR } from "./paths";
import type { AppServices } from "./services/context";

export interface HonoEnv {
  Variables: {
    clientIp: string;
    session: AuthSession | null;
    secureHeadersNonce?: string;
  };
}

/** What every Remix loader and action receives (`context`). */
export interface RemixLoadContext {
  services: AppServices;
  session: AuthSession | null;
  clientIp: string;
  nonce: string;
  /** Set by entry.server's handleError: a loader or action failed because the database is unreachable. */
  faults: { databaseUnavailable: boolean };
}

declare module "@remix-run/node" {
  interface AppLoadContext extends RemixLoadContext {}
}

export interface AppOptions {
  services: AppServices;
  /** The Remix build: fixed in production, re-read per request in development (hot reload). */
  getBuild: () => Promise<ServerBuild> | ServerBuild;
  mode: "development" | "production";
}

const UPLOAD_PATH = /^\/api\/(techniques|sessions)\/[^/]+\/illustrations$/;
const EXCALIDRAW_ASSETS = path.join(PROJECT_ROOT, "node_modules", "@excalidraw", "excalidraw", "dist", "prod");

const STATIC_PREFIXES = ["/assets/", "/favicon", "/fonts/", "/models/", "/mediapipe/", "/excalidraw-assets/"];

export function createApp({ services, getBuild, mode }: AppOptions) {
  const { env, logger } = services;
  const app = new Hono<HonoEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const url = new URL(c.req.url);
    if (!STATIC_PREFIXES.some((p) => url.pathname.startsWith(p))) {
      logger.info({ method: c.req.method, path: maskPath(url.pathname), status: c.res.status, ms: Math.round(performance.now() - started) }, "request");
    }
  });

  if (env.isProduction) {
    app.use(async (c, next) => {
      const cookie = c.req.header("cookie");
      if (cookie && cookieHeaderForAuth(cookie) !== cookie) {
        const headers = new Headers(c.req.raw.headers);
        headers.set("cookie", cookieHeaderForAuth(cookie));
        c.req.raw = new Request(c.req.raw, { headers });
      }
      await next();
      const setCookies = c.res.headers.getSetCookie();
      if (setCookies.some((v) => hostPrefixedSetCookie(v) !== v)) {
        c.res = new Response(c.res.body, c.res);
        c.res.headers.delete("set-cookie");
        for (const v of setCookies) c.res.headers.append("set-cookie", hostPrefixedSetCookie(v));
      }
    });
  }

  app.use(async (c, next) => {
    const forwarded = env.TRUSTED_PROXY_HEADER ? c.req.header(env.TRUSTED_PROXY_HEADER)?.split(",")[0]?.trim() : undefined;
    let ip = forwarded;
    if (!ip) {
      try {
        ip = getConnInfo(c).remote.address;
      } catch {
        ip = undefined; // app.request() in tests has no socket
      }
    }
    c.set("clientIp", ip ?? "0.0.0.0");
    await next();
  });

  const livekitOrigin = env.livekit ? new URL(env.livekit.url.replace(/^http/, "ws")).origin : undefined;
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: mode === "production" ? ["'self'", NONCE, "'wasm-unsafe-eval'"] : ["'self'", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"],
        // Excalidraw and React inline style attributes; no inline style *elements* from third parties.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:", "mediastream:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...(livekitOrigin ? [livekitOrigin, livekitOrigin.replace(/^ws/, "http")] : []), ...(mode === "development" ? ["ws:"] : [])],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Stripe Checkout is reached by a form post's redirect when online payment is on.
        formAction: ["'self'", ...(env.STRIPE_SECRET_KEY ? ["https://checkout.stripe.com"] : [])],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: env.isProduction ? HSTS : false,
      referrerPolicy: "strict-origin-when-cross-origin",
      xFrameOptions: "DENY",
      crossOriginEmbedderPolicy: false,
      permissionsPolicy: { camera: ["self"], microphone: ["self"], displayCapture: ["self"], geolocation: [], payment: [] },
    }),
  );

  // Image uploads (catalogue illustrations, board exports) may be up to UPLOAD_LIMIT_BYTES; the service
  // checks the file itself (size and type by its bytes).
  const uploadLimit = bodyLimit({ maxSize: env.UPLOAD_LIMIT_BYTES + 64 * 1024, onError: (c) => c.json({ error: "FILE_TOO_LARGE", message: `The image is too large: at most ${Math.round(env.UPLOAD_LIMIT_BYTES / 1_000_000)} MB.`, field: "file" }, 413) });
  const requestLimit = bodyLimit({ maxSize: env.BODY_LIMIT_BYTES, onError: (c) => c.json({ error: "PAYLOAD_TOO_LARGE", message: "The request is too large" }, 413) });
  app.use((c, next) => (c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) ? uploadLimit : requestLimit)(c, next));
  // Cross-site form posts are refused; JSON requests cannot be sent cross-site without CORS, which we never grant.
  app.use(csrf({ origin: env.PUBLIC_URL }));

  app.get("/health", async (c) => {
    const database = await pingDatabase(services.db);
    return c.json({ status: database ? "ok" : "degraded", database: database ? "reachable" : "unreachable", db: services.dbKind }, database ? 200 : 503);
  });

  // Static files before the session lookup: they never need the database.
  if (mode === "production" && existsSync(CLIENT_BUILD_DIR)) {
    app.use(
      "/assets/*",
      serveStatic({ root: CLIENT_BUILD_DIR, onFound: (_p, c) => c.header("Cache-Control", "public, max-age=31536000, immutable") }),
    );
  }
  const publicRoot = mode === "production" && existsSync(CLIENT_BUILD_DIR) ? CLIENT_BUILD_DIR : PUBLIC_DIR;
  if (existsSync(path.join(publicRoot, "favicon.svg"))) app.use("/favicon.svg", serveStatic({ root: publicRoot }));
  app.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));
  // Excalidraw's fonts, served by the app itself (window.EXCALIDRAW_ASSET_PATH), never from a CDN.
  app.use(
    "/excalidraw-assets/*",
    serveStatic({
      root: EXCALIDRAW_ASSETS,
      rewriteRequestPath: (p) => p.replace(/^\/excalidraw-assets/, ""),
      onFound: (_p, c) => c.header("Cache-Control", "public, max-age=604800"),
    }),
  );

  // Face snapshots: MediaPipe's wasm and the Face Landmarker model come from this server, never a CDN
  // (only the capture page fetches them). @hono/node-server serves .wasm as application/wasm.
  const staticCache = (_p: string, c: Context) => c.header("Cache-Control", "public, max-age=86400");
  app.use("/mediapipe/wasm/*", serveStatic({ root: MEDIAPIPE_WASM_DIR, rewriteRequestPath: (p) => p.replace(/^\/mediapipe\/wasm/, ""), onFound: staticCache }));
  app.use("/models/*", serveStatic({ root: path.join(publicRoot, "models"), rewriteRequestPath: (p) => p.replace(/^\/models/, ""), onFound: staticCache }));

  app.use(async (c, next) => {
    if (c.req.path.startsWith("/api/auth/")) {
      c.set("session", null); // better-auth handles its own routes (and refreshes cookies there)
      return next();
    }
    const { session, setCookies } = await getAuthSessionRefreshing(services.auth, c.req.raw.headers).catch((error: unknown) => {
      // An unreachable database is not "signed out": the request gets a clear 503 (app.onError) instead.
      if (isDatabaseUnavailable(error)) throw error;
      return { session: null, setCookies: [] };
    });
    c.set("session", session);
    await next();
    // Activity slides the idle window: the refreshed cookie goes back with the page.
    const fresh = setCookies.filter((cookie) => !c.res.headers.getSetCookie().some((existing) => existing.split("=")[0] === cookie.split("=")[0]));
    if (fresh.length) {
      c.res = new Response(c.res.body, c.res); // responses such as redirects have immutable headers
      for (const cookie of fresh) c.res.headers.append("set-cookie", cookie);
    }
  });

  // better-auth's own endpoints (verification and reset links, JSON clients). The client IP header is
  // always overwritten by ours, so a client cannot pick its own rate-limit bucket.
  app.on(["GET", "POST"], "/api/auth/*", (c) => {
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLIENT_IP_HEADER, c.get("clientIp"));
    return services.auth.handler(new Request(c.req.raw, { headers }));
  });

  app.route("/api", createApiApp(services));

  const handleRemix = createRequestHandler(async () => guardBuild(await getBuild()), mode);
  app.all("*", async (c) => {
    const faults = { databaseUnavailable: false };
    const response = await handleRemix(c.req.raw, {
      services,
      session: c.get("session"),
      clientIp: c.get("clientIp"),
      nonce: c.get("secureHeadersNonce") ?? "",
      faults,
    });
    return faults.databaseUnavailable && response.status >= 500 ? databaseUnavailableResponse(c) : response;
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse(); // e.g. the CSRF check's 403
    if (isDatabaseUnavailable(error)) return databaseUnavailableResponse(c);
    logger.error({ event: "app.error", name: error.name }, "unhandled error");
    return c.text("Something went wrong on our side.", 500);
  });

  return app;
}
