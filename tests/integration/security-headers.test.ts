/**
 * Security headers on every kind of response a production server sends: each role's pages, their data
 * requests, API JSON, every file download, static assets, 404 and 403 answers, the socket.io polling
 * endpoint and /health. (tests/integration/http-safety.test.ts checks the CSP's content and that
 * development installs get no HSTS.)
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_BUILD_DIR } from "../../server/paths";
import { buildDataExport, requestDataExport } from "../../server/services/data-rights";
import { seedDemo } from "../../server/services/demo-clinic";
import { addSessionIllustration } from "../../server/services/homework/catalogue";
import { type PatientRecord, seedPatientRecord, TINY_JPEG } from "../setup/patient-record";
import { type Client, signInAs } from "../setup/sign-in";
import { createClient, TEST_ORIGIN } from "../setup/test-app";
import { startTestServer } from "../setup/test-server";

function expectSecurityHeaders(response: Response, label: string) {
  const h = response.headers;
  expect(h.get("content-security-policy"), label).toMatch(/frame-ancestors '(none|self)'/);
  expect(h.get("content-security-policy"), label).toMatch(/default-src '(self|none)'/);
  expect(h.get("strict-transport-security"), label).toBe("max-age=31536000; includeSubDomains");
  expect(h.get("referrer-policy"), label).toBe("strict-origin-when-cross-origin");
  expect(h.get("x-content-type-options"), label).toBe("nosniff");
}

describe("security headers on every kind of response (production)", () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let dataDir: string;
  let record: PatientRecord;
  let exportId: string;
  let illustrationId: string;
  const clients = {} as Record<"anonymous" | "patient" | "therapist" | "planner" | "admin", Client>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "headers-"));
    // Production as far as headers go (HSTS on); PUBLIC_URL stays the test origin the clients use.
    s = await startTestServer({ kind: "pglite", env: { APP_ENV: "production", AUTH_SECRET: "h".repeat(40), SMTP_URL: "smtp://127.0.0.1:9", DATA_DIR: dataDir, AUTH_RATE_LIMIT_MAX: "1000" } });
    await seedDemo(s.services);
    record = await seedPatientRecord(s.services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "HEADERS" });
    exportId = (await requestDataExport(s.services, { userId: record.patientId, role: "patient", sessionId: "seed", ip: "127.0.0.1" })).exportId;
    await buildDataExport(s.services, exportId).catch(() => undefined); // the archive is written before the e-mail (no SMTP here)
    illustrationId = (await addSessionIllustration(s.services, { userId: record.therapistId, role: "therapist" }, record.sessionIds[0]!, TINY_JPEG)).id;
    let n = 1;
    for (const role of ["anonymous", "patient", "therapist", "planner", "admin"] as const) {
      clients[role] = createClient(s, `10.67.0.${n++}`);
      const email = role === "patient" || role === "therapist" ? `${role}1@demo.clinic` : `${role}@demo.clinic`;
      if (role !== "anonymous") expect((await signInAs(clients[role], email)).status, role).toBe(302);
    }
  }, 120_000);
  afterAll(async () => {
    await s?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("on each role's pages and on their data requests", async () => {
    const pages: [keyof typeof clients, string][] = [
      ["anonymous", "/"],
      ["anonymous", "/login"],
      ["anonymous", "/register"],
      ["patient", "/patient"],
      ["patient", "/diary"],
      ["patient", `/diary/entries/${record.entryIds[0]}`],
      ["patient", "/patient/homework"],
      ["patient", "/account"],
      ["patient", `/sessions/${record.sessionIds[0]}`],
      ["therapist", "/therapist"],
      ["therapist", `/therapist/patients/${record.patientId}/diary`],
      ["planner", "/planner"],
      ["planner", `/planner/plan/${record.programId}`],
      ["admin", "/admin"],
      ["admin", "/admin/audit"],
    ];
    for (const [role, url] of pages) {
      const page = await clients[role].request(url);
      expect(page.status, `${role} ${url}`).toBe(200);
      expect(page.headers.get("content-type"), url).toContain("text/html");
      expectSecurityHeaders(page, `${role} ${url}`);
      const data = await clients[role].request(`${url === "/" ? "/_root" : url}.data`);
      expect(data.status, `${role} ${url}.data`).toBe(200);
      expectSecurityHeaders(data, `${role} ${url}.data`);
    }
  });

  it("on API JSON, and on 404 and 403 answers of pages and the API", async () => {
    const cases: [keyof typeof clients, string, number][] = [
      ["patient", "/api/me", 200],
      ["therapist", `/api/diary/patients/${record.patientId}`, 200],
      ["anonymous", "/api/me", 401],
      ["anonymous", "/no-such-page", 404],
      ["patient", "/no-such-page", 404],
      ["patient", "/api/no-such-route", 404],
      ["patient", "/admin", 403],
      ["patient", "/api/admin/outbox", 403],
      ["therapist", `/diary/entries/${record.entryIds[0]}x`, 404],
    ];
    for (const [role, url, status] of cases) {
      const response = await clients[role].request(url);
      expect(response.status, `${role} ${url}`).toBe(status);
      expectSecurityHeaders(response, `${role} ${url}`);
    }
  });

  it("on every download, which also says how to handle the file (Content-Disposition)", async () => {
    const downloads: [keyof typeof clients, string, RegExp][] = [
      ["admin", "/admin/audit/export", /^text\/csv/],
      ["patient", `/account/export/${exportId}`, /^application\/zip/],
      ["patient", `/api/sessions/${record.sessionIds[0]}/homework-pdf`, /^application\/pdf/],
      ["patient", `/api/diary/photos/${record.captureIds[0]}`, /^image\/jpeg/],
      ["therapist", `/api/diary/photos/${record.captureIds[0]}`, /^image\/jpeg/],
      ["therapist", `/api/illustrations/${illustrationId}`, /^image\/jpeg/],
    ];
    for (const [role, url, type] of downloads) {
      const response = await clients[role].request(url);
      expect(response.status, `${role} ${url}`).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(type);
      expect(response.headers.get("content-disposition"), url).toMatch(/^(attachment|inline); filename="[^"/\\]+"$/);
      expectSecurityHeaders(response, `${role} ${url}`);
    }
  });

  it("on static assets, /health and the socket.io polling endpoint", async () => {
    const asset = readdirSync(path.join(CLIENT_BUILD_DIR, "assets")).find((f) => f.endsWith(".js"))!;
    for (const url of [`/assets/${asset}`, "/favicon.svg", "/health"]) {
      const response = await clients.anonymous.request(url);
      expect(response.status, url).toBe(200);
      expectSecurityHeaders(response, url);
    }
    // socket.io answers on the HTTP server itself, before Hono: its handshake and its refusals too.
    const handshake = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: TEST_ORIGIN } });
    expect(handshake.status).toBe(200);
    expectSecurityHeaders(handshake, "socket.io handshake");
    const refused = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expectSecurityHeaders(refused, "socket.io refusal");
  });
});
