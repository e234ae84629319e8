import { existsSync } from "node:fs";
import type { ServerBuild } from "@remix-run/node";
import type { DatabaseKind } from "../../db/client";
import { createApp } from "../../server/app";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/logger";
import { SERVER_BUILD_FILE } from "../../server/paths";
import type { Notifier } from "../../server/services/context";
import { createServices } from "../../server/services/create-services";
import { createTestDatabase, type TestDatabase } from "./databases";

export const TEST_ORIGIN = "http://clinic.test";

export interface TestAppOptions {
  kind: DatabaseKind;
  smtpUrl?: string;
  env?: Record<string, string>;
  now?: () => Date;
  notifier?: Notifier;
}

let buildPromise: Promise<ServerBuild> | undefined;
/** The real Remix build (npm test builds before it runs Vitest). */
export function loadBuild(): Promise<ServerBuild> {
  if (!existsSync(SERVER_BUILD_FILE)) throw new Error("Run `npm run build` before the tests that render pages");
  buildPromise ??= import(SERVER_BUILD_FILE) as Promise<ServerBuild>;
  return buildPromise;
}

/** The real app (all middleware, real auth, real database) answering `app.request()` calls. */
export async function createTestApp(options: TestAppOptions) {
  const database: TestDatabase = await createTestDatabase(options.kind);
  const env = parseEnv({
    APP_ENV: "test",
    PUBLIC_URL: TEST_ORIGIN,
    SMTP_URL: options.smtpUrl ?? "",
    AUTH_RATE_LIMIT_MAX: "10",
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const services = createServices({ env, database, logger: createLogger(env.LOG_LEVEL), now: options.now, notifier: options.notifier });
  const app = createApp({ services, getBuild: () => loadBuild(), mode: "production" });
  return {
    app,
    services,
    database,
    async dispose() {
      await services.mailer.close();
      await database.dispose();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** A tiny cookie jar over `app.request`, sending the Origin header a browser would. */
export function createClient(testApp: TestApp, ip = "10.0.0.1") {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  async function request(path: string, init: RequestInit & { form?: Record<string, string>; json?: unknown } = {}) {
    const headers = new Headers(init.headers);
    headers.set("host", new URL(TEST_ORIGIN).host);
    if (jar.size) headers.set("cookie", cookieHeader());
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set("content-type", "application/json");
    }
    if ((init.method ?? "GET") !== "GET") headers.set("origin", headers.get("origin") ?? TEST_ORIGIN);
    const response = await testApp.app.request(new URL(path, TEST_ORIGIN).toString(), { ...init, headers, body, redirect: "manual" }, { incoming: { socket: { remoteAddress: ip, remotePort: 1, remoteFamily: "IPv4" } } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (/max-age=0/i.test(cookie) || value === "") jar.delete(name!);
      else jar.set(name!, value);
    }
    return response;
  }
  return { request, jar, cookieHeader };
}
