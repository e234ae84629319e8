import { getConnInfo } from "@hono/node-server/conninfo";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { isDatabaseUnavailable, pingDatabase } from "../db/client";
import { guardBuild } from "./access/guard-build";
import { createApiApp } from "./api";
import { type AuthSession, CLIENT_IP_HEADER } from "./auth/auth";
import { cookieHeaderForAuth, hostPrefixedSetCookie } from "./auth/host-cookies";
import { afterRequest, lookUpSession } from "./auth/session-cache";
import { databaseUnavailableResponse } from "./database-unavailable";
import { maskPath } from "./logger";
import { compressResponses } from "./http/compress";
import { mountStaticFiles, STATIC_PREFIXES } from "./http/static-files";
import { clientAddress, proxyConfig } from "./security/client-address";
import { HSTS } from "./security-headers";
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
// Face snapshots carry 10–30 frames of 478 landmarks per expression (about 1 MB for nine expressions of ten).
const SNAPSHOT_PATH = "/api/diary/snapshots";
const SNAPSHOT_LIMIT_BYTES = 4_000_000;

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
  // Pages, data and JSON go compressed (static files have precompressed twins).
  app.use(compressResponses());

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
    let peer: string | undefined;
    try {
      peer = getConnInfo(c).remote.address;
    } catch {
      peer = undefined; // app.request() in tests has no socket
    }
    const ip = clientAddress(proxyConfig(env), env.TRUSTED_PROXY_HEADER ? c.req.header(env.TRUSTED_PROXY_HEADER) : undefined, peer);
    c.set("clientIp", ip);
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
  const snapshotLimit = bodyLimit({ maxSize: SNAPSHOT_LIMIT_BYTES, onError: (c) => c.json({ error: "PAYLOAD_TOO_LARGE", message: "The face snapshot is too large" }, 413) });
  app.use((c, next) => (c.req.method !== "POST" ? requestLimit : UPLOAD_PATH.test(c.req.path) ? uploadLimit : c.req.path === SNAPSHOT_PATH ? snapshotLimit : requestLimit)(c, next));
  // Cross-site form posts are refused; JSON requests cannot be sent cross-site without CORS, which we never grant.
  app.use(csrf({ origin: env.PUBLIC_URL }));

  app.get("/health", async (c) => {
    const database = await pingDatabase(services.db);
    return c.json({ status: database ? "ok" : "degraded", database: database ? "reachable" : "unreachable", db: services.dbKind }, database ? 200 : 503);
  });

  // Static files before the session lookup: they never need the database.
  mountStaticFiles(app, mode);

  app.use(async (c, next) => {
    if (c.req.path.startsWith("/api/auth/")) {
      c.set("session", null); // better-auth handles its own routes (and refreshes cookies there)
      await next();
      return afterRequest(c.req.raw, null); // e.g. sign-out: the cached session goes
    }
    const { session, setCookies } = await lookUpSession(services.auth, c.req.raw).catch((error: unknown) => {
      // An unreachable database is not "signed out": the request gets a clear 503 (app.onError) instead.
      if (isDatabaseUnavailable(error)) throw error;
      return { session: null, setCookies: [] };
    });
    c.set("session", session);
    await next();
    afterRequest(c.req.raw, session);
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
