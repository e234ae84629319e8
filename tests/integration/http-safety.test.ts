import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../server/services/demo-clinic";
import { createClient, createTestApp, TEST_ORIGIN, type TestApp } from "../setup/test-app";

describe("HTTP safety: headers, CSRF, body limits", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite", env: { BODY_LIMIT_BYTES: "10000" } });
  });
  afterAll(() => t?.dispose());

  it("sends a strict CSP with a per-response nonce and the other security headers on pages", async () => {
    const client = createClient(t);
    const first = await client.request("/login");
    const second = await client.request("/login");
    const csp = first.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
    expect(csp).not.toContain("unsafe-inline'; script"); // no inline scripts without the nonce
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/https?:\/\/(?!clinic\.test)/); // no third-party origin
    const nonce = csp.match(/'nonce-([^']+)'/)![1]!;
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    const html = await first.text();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("permissions-policy")).toContain("camera=(self)");
    // HSTS only in production (it would pin plain-http development installs).
    expect(first.headers.get("strict-transport-security")).toBeNull();
  });

  it("refuses a cross-site form post and changes nothing", async () => {
    const client = createClient(t);
    const response = await client.request("/register", {
      method: "POST",
      headers: { origin: "https://evil.example" },
      form: { name: "Eve", email: "eve@example.com", password: "a long enough password", timeZone: "UTC" },
    });
    expect(response.status).toBe(403);
    expect(await t.database.db.selectFrom("user").select("id").where("email", "=", "eve@example.com").executeTakeFirst()).toBeUndefined();
  });

  it("refuses a body over the limit with 413 and a clear message", async () => {
    const client = createClient(t);
    const response = await client.request("/register", { method: "POST", form: { name: "x".repeat(20_000), email: "big@example.com", password: "a long enough password", timeZone: "UTC" } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "PAYLOAD_TOO_LARGE", message: "The request is too large" });
    expect(await t.database.db.selectFrom("user").select("id").where("email", "=", "big@example.com").executeTakeFirst()).toBeUndefined();
  });

  it("answers /health with the database state", async () => {
    const response = await t.app.request(`${TEST_ORIGIN}/health`);
    expect(await response.json()).toEqual({ status: "ok", database: "reachable", db: "pglite" });
  });
});

describe("production mode", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite", env: { APP_ENV: "production", AUTH_SECRET: "p".repeat(40), SMTP_URL: "smtp://127.0.0.1:9", PUBLIC_URL: "https://clinic.example" } });
  });
  afterAll(() => t?.dispose());

  it("adds HSTS and issues Secure, HttpOnly, SameSite cookies", async () => {
    const response = await t.app.request("https://clinic.example/login", { headers: { host: "clinic.example" } });
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(await response.text()).not.toContain("Demo logins"); // never in production
    await seedDemo(t.services);
    const login = await t.app.request("https://clinic.example/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://clinic.example" },
      body: JSON.stringify({ email: "patient1@demo.clinic", password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const session = login.headers.getSetCookie().find((c) => c.includes("session_token"))!;
    // __Host-: the browser accepts it only Secure, for Path=/ and without Domain.
    expect(session).toMatch(/^__Host-better-auth\.session_token=/);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).toMatch(/; Path=\//i);
    expect(session).not.toMatch(/; Domain=/i);
    // The renamed cookie is what signs the browser in afterwards, for pages and for sign-out.
    const cookie = session.split(";")[0]!;
    const home = await t.app.request("https://clinic.example/patient", { headers: { host: "clinic.example", cookie } });
    expect(home.status).toBe(200);
    const logout = await t.app.request("https://clinic.example/logout", { method: "POST", headers: { host: "clinic.example", cookie, origin: "https://clinic.example", "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(logout.headers.getSetCookie().some((c) => /^__Host-better-auth\.session_token=;/.test(c))).toBe(true);
    expect((await t.app.request("https://clinic.example/patient", { headers: { host: "clinic.example", cookie } })).headers.get("location")).toMatch(/^\/login/);
  });
});
