import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCredentialUser } from "../../server/services/credential-users";
import { seedDemo } from "../../server/services/demo-clinic";
import { databaseKinds } from "../setup/databases";
import { signInAs } from "../setup/sign-in";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";
import { totpCode } from "../setup/totp";

const PASSWORD = "a long staff passphrase";
const login = (client: ReturnType<typeof createClient>, email: string, password: string) => client.request("/login", { method: "POST", form: { email, password } });

describe.each(databaseKinds)("two-step sign-in on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind, env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    await seedDemo(t.services);
  });
  afterAll(() => t?.dispose());

  async function newStaff(email: string, role: "therapist" | "planner" | "admin" = "therapist") {
    const ctx = await t.services.auth.$context;
    return insertCredentialUser(t.services.db, { name: "New Staff", email, role, passwordHash: await ctx.password.hash(PASSWORD), now: new Date() });
  }

  it("asks staff for a code after the password, and only a right code signs them in", async () => {
    const client = createClient(t, "10.60.0.1");
    const first = await login(client, "therapist1@demo.clinic", "demo-clinic-2026");
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/login/code");
    // The password alone is not a session.
    expect((await client.request("/therapist")).headers.get("location")).toMatch(/^\/login/);
    const wrong = await client.request("/login/code", { method: "POST", form: { code: "000000" } });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("This code is not correct");
    const right = await client.request("/login/code", { method: "POST", form: { code: totpCode() } });
    expect(right.headers.get("location")).toBe("/therapist");
    expect((await client.request("/therapist")).status).toBe(200);
  });

  it("never asks patients for a code", async () => {
    const response = await login(createClient(t, "10.60.0.2"), "patient1@demo.clinic", "demo-clinic-2026");
    expect(response.headers.get("location")).toBe("/patient");
  });

  it("the code page without a password step sends you back to log in", async () => {
    const client = createClient(t, "10.60.0.3");
    expect(await (await client.request("/login/code")).text()).toContain("First log in with your e-mail and password");
    const code = await client.request("/login/code", { method: "POST", form: { code: totpCode() } });
    expect(await code.text()).toContain("This sign-in has expired");
    expect((await client.request("/therapist")).headers.get("location")).toMatch(/^\/login/);
  });

  it("holds staff without an authenticator to the set-up page, then requires the code at every sign-in", async () => {
    await newStaff("newtherapist@example.com");
    const client = createClient(t, "10.60.0.4");
    expect((await login(client, "newtherapist@example.com", PASSWORD)).headers.get("location")).toBe("/therapist");
    // Until set up: every page leads to the set-up, the API and sockets refuse.
    expect((await client.request("/therapist")).headers.get("location")).toBe("/account/two-factor");
    expect((await client.request("/therapist/availability")).headers.get("location")).toBe("/account/two-factor");
    const api = await client.request("/api/me");
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: "TWO_FACTOR_SETUP_REQUIRED" });

    const wrongPassword = await client.request("/account/two-factor", { method: "POST", form: { intent: "start", password: "not my password at all" } });
    expect(await wrongPassword.text()).toContain("This is not your password");
    const start = await (await client.request("/account/two-factor", { method: "POST", form: { intent: "start", password: PASSWORD } })).text();
    const key = start.match(/data-testid="totp-secret">([A-Z2-7=]+)</)![1]!;
    const backupCodes = [...start.matchAll(/<li><code>([A-Za-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(backupCodes).toHaveLength(10);
    expect(start).toContain("<svg");

    const mistyped = await client.request("/account/two-factor", { method: "POST", form: { intent: "confirm", code: "123456", secret: key, backupCodes: backupCodes.join(" ") } });
    const mistypedPage = await mistyped.text();
    expect(mistypedPage).toContain("This code is not correct");
    expect(mistypedPage).toContain(key); // same key, QR rebuilt: nothing to rescan
    const confirmed = await client.request("/account/two-factor", { method: "POST", form: { intent: "confirm", code: totpCode(key), secret: key } });
    expect(confirmed.headers.get("location")).toBe("/therapist?twoFactor=on");
    expect((await client.request("/therapist")).status).toBe(200);

    // Next sign-in: the code from the same key; a backup code works once.
    const again = createClient(t, "10.60.0.5");
    expect((await signInAs(again, "newtherapist@example.com", PASSWORD, key)).headers.get("location")).toBe("/therapist");
    const withBackup = createClient(t, "10.60.0.6");
    await login(withBackup, "newtherapist@example.com", PASSWORD);
    expect((await withBackup.request("/login/code", { method: "POST", form: { code: backupCodes[0]! } })).headers.get("location")).toBe("/therapist");
    const reused = createClient(t, "10.60.0.7");
    await login(reused, "newtherapist@example.com", PASSWORD);
    expect(await (await reused.request("/login/code", { method: "POST", form: { code: backupCodes[0]! } })).text()).toContain("This code is not correct");

    const audit = await t.services.db.selectFrom("auditEvent").select(["action", "outcome"]).where("action", "like", "auth.%").execute();
    expect(audit).toEqual(expect.arrayContaining([{ action: "auth.two_factor_enabled", outcome: "allowed" }, { action: "auth.login_backup_code", outcome: "allowed" }, { action: "auth.login_second_step", outcome: "failed" }]));
  });

  it("locks the second step after 10 wrong codes, even for the right one", async () => {
    const client = createClient(t, "10.60.0.8");
    for (let i = 0; i < 10; i++) {
      await login(client, "therapist2@demo.clinic", "demo-clinic-2026");
      await client.request("/login/code", { method: "POST", form: { code: String(100000 + i) } });
    }
    await login(client, "therapist2@demo.clinic", "demo-clinic-2026");
    const locked = await client.request("/login/code", { method: "POST", form: { code: totpCode() } });
    expect(await locked.text()).toContain("locked for 15 minutes");
    expect((await client.request("/therapist")).headers.get("location")).toMatch(/^\/login/);
  });

  it("lets an admin reset a staff member's second step, which ends their sessions", async () => {
    const planner = createClient(t, "10.60.0.9");
    expect((await signInAs(planner, "planner@demo.clinic")).headers.get("location")).toBe("/planner");
    const plannerId = (await t.services.db.selectFrom("user").select("id").where("email", "=", "planner@demo.clinic").executeTakeFirstOrThrow()).id;
    const admin = createClient(t, "10.60.0.10");
    await signInAs(admin, "admin@demo.clinic");
    expect(await (await admin.request("/admin")).text()).toContain("Reset two-step sign-in of Petra Planner");
    // Not for anyone else.
    expect((await planner.request("/admin", { method: "POST", form: { intent: "reset-two-factor", userId: plannerId } })).status).toBe(403);
    expect((await admin.request("/admin", { method: "POST", form: { intent: "reset-two-factor", userId: plannerId } })).status).toBe(200);
    expect((await planner.request("/planner")).headers.get("location")).toMatch(/^\/login/);
    const back = createClient(t, "10.60.0.11");
    expect((await login(back, "planner@demo.clinic", "demo-clinic-2026")).headers.get("location")).toBe("/planner");
    expect((await back.request("/planner")).headers.get("location")).toBe("/account/two-factor");
  });
});
