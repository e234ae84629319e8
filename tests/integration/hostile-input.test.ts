import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { apiRouteTable } from "../../server/api";
import type { AppServices } from "../../server/services/context";
import { type AppProcess, freePort, startAppProcess } from "../setup/app-process";
import { signInOverHttp } from "../setup/sign-in";
import { loadBuild } from "../setup/test-app";

/**
 * Every page action, API route and auth endpoint gets hostile values — unknown zones, dates far in the
 * past and future, near-1 MB strings, unicode controls, arrays where strings are expected — against the
 * real server in its own process. Each request must be answered within 2 s, and /health must still
 * answer afterwards: no input may hang the clinic for everyone.
 */
const DEADLINE_MS = 2_000;
const BIG = "x".repeat(900_000); // under the 1 MB body limit, so it reaches the handlers
const HOSTILE_VALUES = ["Bogus/Zone", "0001-01-01", "+275760-09-13T00:00:00.000Z", "9999-12-31T23:59", "-1e308", "\u202E\u0000\r\n\u2028", "../../etc/passwd", "00000000-0000-0000-0000-000000000000"];
const COMMON_FIELDS = ["timeZone", "date", "from", "to", "startsAt", "endsAt", "startsAtLocal", "minutes", "days", "name", "email", "password", "code", "token", "id", "sessionId", "patientId", "programId", "reason", "text", "note", "redirectTo", "next"];
const AUTH_ENDPOINTS = [
  "/api/auth/sign-up/email",
  "/api/auth/sign-in/email",
  "/api/auth/update-user",
  "/api/auth/change-password",
  "/api/auth/request-password-reset",
  "/api/auth/reset-password",
  "/api/auth/two-factor/verify-totp",
  "/api/auth/two-factor/verify-backup-code",
  "/api/auth/two-factor/enable",
  "/api/auth/sign-out",
];
const SAMPLE_ID = "00000000-0000-0000-0000-000000000000";

function fullPath(routes: Record<string, { parentId?: string; path?: string }>, id: string): string {
  const parts: string[] = [];
  for (let r: { parentId?: string; path?: string } | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) if (r.path) parts.unshift(r.path);
  return "/" + parts.join("/").replace(/:(\w+)\??/g, SAMPLE_ID);
}

/**
 * Hostile values rotated over the fields (field i gets value i+k in form k), so every value reaches the
 * handlers in a few requests per page instead of one request per value; then arrays (repeated keys) and
 * one near-1 MB value.
 */
const ROTATIONS = 3;
function hostileForms(fields: string[], intent?: string): string[] {
  const base = intent ? [["intent", intent]] : [];
  const forms = Array.from({ length: ROTATIONS }, (_, k) => new URLSearchParams([...base, ...fields.map((f, i) => [f, HOSTILE_VALUES[(i + k) % HOSTILE_VALUES.length]!])]).toString());
  forms.push(new URLSearchParams([...base, ...fields.flatMap((f) => [[f, "Europe/Sofia"], [f, "2026-01-01"]])]).toString());
  forms.push(new URLSearchParams([...base, ...fields.slice(0, 1).map((f) => [f, BIG])]).toString());
  return forms;
}

function hostileJson(fields: string[]): string[] {
  const objects: Record<string, unknown>[] = Array.from({ length: ROTATIONS }, (_, k) => Object.fromEntries(fields.map((f, i) => [f, HOSTILE_VALUES[(i + k) % HOSTILE_VALUES.length]])));
  objects.push(Object.fromEntries(fields.map((f) => [f, [f, { $gt: "" }]])));
  objects.push(Object.fromEntries(fields.slice(0, 1).map((f) => [f, BIG])));
  return [...objects.map((o) => JSON.stringify(o)), "{not json", "[]", "null"];
}

describe("hostile input: nothing hangs the server", () => {
  let app: AppProcess;
  let dataDir: string;
  const cookies: Partial<Record<Role | "anonymous", string>> = { anonymous: "" };
  const slow: string[] = [];
  const serverErrors: string[] = [];
  // Known, not yet explained (left for issue #12): ~10% of requests have their keep-alive connection closed by
  // the server about 500 ms in (undici UND_ERR_SOCKET "other side closed"; once EPIPE on a
  // near-1 MB body), spread over all roles and routes.
  // Not a hang — /health and the next request answer at once — so it is printed, not asserted; a timeout is.
  const closed: string[] = [];
  let sent = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "hostile-"));
    const port = await freePort();
    app = await startAppProcess({ name: "hostile-input app", port, env: { DATA_DIR: dataDir, AUTH_SECRET: "hostile-input-secret-hostile-input-secret", AUTH_RATE_LIMIT_MAX: "100000", LOG_LEVEL: "warn" }, timeoutMs: 120_000 });
    for (const [role, email] of [["patient", "patient1@demo.clinic"], ["therapist", "therapist1@demo.clinic"], ["planner", "planner@demo.clinic"], ["admin", "admin@demo.clinic"]] as const) {
      cookies[role] = await signInOverHttp(app.url, email);
    }
  }, 240_000);
  afterAll(async () => {
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function send(label: string, url: string, init: RequestInit & { cookie?: string }): Promise<string> {
    const headers = new Headers(init.headers);
    headers.set("origin", app.url);
    if (init.cookie) headers.set("cookie", init.cookie);
    sent++;
    const started = Date.now();
    try {
      const response = await fetch(app.url + url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(DEADLINE_MS) });
      const text = await response.text();
      if (response.status >= 500 && response.status !== 503) serverErrors.push(`${response.status} ${label}`);
      return text;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if ((error as Error).name !== "TimeoutError") {
        closed.push(`${label} after ${Date.now() - started} ms`);
        return "";
      }
      slow.push(`${label}: ${(error as Error).name}${cause ? ` (${cause.code ?? cause.message})` : ""} after ${Date.now() - started} ms`);
      return "";
    }
  }

  it("every page and its actions, for every role", async () => {
    const build = await loadBuild();
    const routes = build.routes as unknown as Record<string, { parentId?: string; path?: string }>;
    const paths = [...new Set(Object.keys(routes).map((id) => fullPath(routes, id)))];
    for (const [role, cookie] of Object.entries(cookies)) {
      for (const page of paths) {
        const query = new URLSearchParams(COMMON_FIELDS.map((f) => [f, HOSTILE_VALUES[2]!])).toString();
        const html = await send(`GET ${page} as ${role}`, `${page}?${query}`, { cookie });
        const fields = [...new Set([...html.matchAll(/\bname="([A-Za-z][\w.]*)"/g)].map((m) => m[1]!).filter((f) => f !== "intent"))];
        const intents = [...new Set([...html.matchAll(/name="intent" value="([^"]+)"/g)].map((m) => m[1]!))];
        for (const intent of intents.length ? intents : [undefined]) {
          for (const body of hostileForms([...new Set([...fields, ...COMMON_FIELDS])], intent)) {
            await send(`POST ${page} (${intent ?? "no intent"}) as ${role}`, page, { method: "POST", cookie, body, headers: { "content-type": "application/x-www-form-urlencoded" } });
          }
        }
      }
    }
    expect(slow).toEqual([]);
  }, 1_800_000);

  it("every API route and every auth endpoint", async () => {
    const table = apiRouteTable({} as AppServices);
    for (const [role, cookie] of Object.entries(cookies)) {
      for (const route of table) {
        const url = `/api${route.path.replace(/:(\w+)\??/g, SAMPLE_ID)}`;
        if (route.method === "get") {
          const query = new URLSearchParams(COMMON_FIELDS.map((f) => [f, HOSTILE_VALUES[2]!])).toString();
          await send(`GET ${url} as ${role}`, `${url}?${query}`, { cookie });
          continue;
        }
        for (const body of hostileJson(COMMON_FIELDS)) {
          await send(`${route.method.toUpperCase()} ${url} as ${role}`, url, { method: route.method.toUpperCase(), cookie, body, headers: { "content-type": "application/json" } });
        }
      }
      for (const endpoint of AUTH_ENDPOINTS) {
        for (const body of hostileJson([...COMMON_FIELDS, "newPassword", "currentPassword"])) {
          await send(`POST ${endpoint} as ${role}`, endpoint, { method: "POST", cookie, body, headers: { "content-type": "application/json" } });
        }
      }
      await send(`GET verify-email as ${role}`, `/api/auth/verify-email?token=${encodeURIComponent(HOSTILE_VALUES[5]!)}`, { cookie });
    }
    expect(slow).toEqual([]);
  }, 1_800_000);

  it("afterwards /health still answers at once", async () => {
    const health = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(DEADLINE_MS) });
    expect(health.status).toBe(200);
    // Printed, not asserted: a 500 is a bug to fix (4xx with a message), but a hang is the outage.
    console.log(`hostile input: ${sent} requests, ${slow.length} over ${DEADLINE_MS} ms, ${closed.length} connections closed by the server, ${serverErrors.length} answered 5xx${serverErrors.length ? `:\n  ${[...new Set(serverErrors)].slice(0, 40).join("\n  ")}` : ""}`);
  });
});
