import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../tests/setup/databases";
import { linkIn, startTestSmtpServer, type TestSmtpServer } from "../../tests/setup/smtp";
import { createClient, createTestApp, TEST_ORIGIN, type TestApp } from "../../tests/setup/test-app";

describe.each(databaseKinds)("accounts on %s", (kind) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ kind, smtpUrl: smtp.url, env: { AUTH_RATE_LIMIT_MAX: "4" } });
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
  });

  const userCount = async () => Number((await t.database.db.selectFrom("user").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  it("refuses malformed input with a message on the field and creates nothing", async () => {
    const client = createClient(t);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ name: "Ann", email: "not-an-email", password: "a long enough password", timeZone: "Europe/Sofia" }, "email", /valid e-mail/],
      [{ name: "Ann", email: "ann@example.com", password: "short", timeZone: "Europe/Sofia" }, "password", /at least 12 characters/],
      [{ name: "", email: "ann@example.com", password: "a long enough password", timeZone: "Europe/Sofia" }, "name", /Enter a name/],
      [{ name: "Ann", email: "ann@example.com", password: "a long enough password", timeZone: "Mars/Olympus" }, "timeZone", /time zone/],
    ];
    for (const [form, field, message] of cases) {
      const response = await client.request("/register", { method: "POST", form });
      const html = await response.text();
      expect(html, field).toMatch(message);
      if (field !== "timeZone") expect(html).toMatch(new RegExp(`aria-invalid="true" aria-describedby="[^"]*field-${field}-error"`));
    }
    expect(await userCount()).toBe(0);
  });

  it("registers a patient, sends a real verification e-mail, verifies, logs in and out", async () => {
    const client = createClient(t, "10.0.0.2");
    const form = { name: "Vera Visitor", email: "Vera@Example.com", password: "correct horse battery", timeZone: "Pacific/Auckland" };
    const page = await client.request("/register", { method: "POST", form });
    expect(await page.text()).toContain("Check your e-mail");
    const user = await t.database.db.selectFrom("user").selectAll().where("email", "=", "vera@example.com").executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: "patient", emailVerified: false, timeZone: "Pacific/Auckland" });

    // Not verified yet: login is refused with a clear message.
    const early = await client.request("/login", { method: "POST", form: { email: "vera@example.com", password: form.password } });
    expect(await early.text()).toContain("confirm your e-mail address first");

    const mail = await smtp.waitFor((m) => m.to.includes("vera@example.com") && /Confirm/.test(m.subject));
    const link = linkIn(mail, `${TEST_ORIGIN}/api/auth/verify-email`);
    const verified = await client.request(link);
    expect(verified.status).toBe(302);
    const after = await t.database.db.selectFrom("user").select("emailVerified").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(after.emailVerified).toBe(true);

    // The link signs the patient in (autoSignInAfterVerification).
    const home = await client.request("/patient");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Vera Visitor");

    const out = await client.request("/logout", { method: "POST" });
    expect(out.status).toBe(302);
    const gone = await client.request("/patient");
    expect(gone.status).toBe(302);
    expect(gone.headers.get("location")).toBe("/login?redirectTo=%2Fpatient");

    const login = await client.request("/login?redirectTo=%2Fpatient", { method: "POST", form: { email: "vera@example.com", password: form.password } });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/patient");
    const cookie = login.headers.getSetCookie().find((c) => c.includes("session_token"));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await client.request("/patient")).status).toBe(200);
  });

  it("refuses an existing e-mail on the field, keeping the first account", async () => {
    const client = createClient(t, "10.0.0.3");
    const before = await userCount();
    const html = await (
      await client.request("/register", { method: "POST", form: { name: "Other", email: "vera@example.com", password: "another long password", timeZone: "UTC" } })
    ).text();
    expect(html).toContain("An account with this e-mail already exists");
    expect(await userCount()).toBe(before);
    const kept = await t.database.db.selectFrom("user").select("name").where("email", "=", "vera@example.com").executeTakeFirstOrThrow();
    expect(kept.name).toBe("Vera Visitor");
  });

  it("gives one message for a wrong password and an unknown e-mail, then rate-limits", async () => {
    const client = createClient(t, "10.0.0.4");
    const wrong = await (await client.request("/login", { method: "POST", form: { email: "vera@example.com", password: "wrong password!!" } })).text();
    const unknown = await (await client.request("/login", { method: "POST", form: { email: "nobody@example.com", password: "wrong password!!" } })).text();
    expect(wrong).toContain("The e-mail or password is not correct.");
    expect(unknown).toContain("The e-mail or password is not correct.");
    let limited = false;
    for (let i = 0; i < 6 && !limited; i++) {
      const html = await (await client.request("/login", { method: "POST", form: { email: "vera@example.com", password: "wrong password!!" } })).text();
      limited = html.includes("Too many attempts");
    }
    expect(limited).toBe(true);
    // Another address is not affected by this one's limit.
    const other = createClient(t, "10.0.0.5");
    const ok = await other.request("/login", { method: "POST", form: { email: "vera@example.com", password: "correct horse battery" } });
    expect(ok.status).toBe(302);
  });

  it("resets a forgotten password through the e-mailed link", async () => {
    const client = createClient(t, "10.0.0.6");
    const sent = await client.request("/forgot-password", { method: "POST", form: { email: "vera@example.com" } });
    expect(await sent.text()).toContain("If an account uses this address");
    const mail = await smtp.waitFor((m) => m.to.includes("vera@example.com") && /Reset/.test(m.subject));
    const link = linkIn(mail, `${TEST_ORIGIN}/api/auth/reset-password/`);
    const redirect = await client.request(link);
    const location = redirect.headers.get("location")!;
    const token = new URL(location, TEST_ORIGIN).searchParams.get("token")!;
    expect(token).toBeTruthy();
    const mismatch = await client.request("/reset-password?token=" + token, { method: "POST", form: { token, password: "a brand new password", confirm: "different" } });
    expect(await mismatch.text()).toContain("The two passwords are not the same");
    const done = await client.request("/reset-password?token=" + token, { method: "POST", form: { token, password: "a brand new password", confirm: "a brand new password" } });
    expect(done.headers.get("location")).toBe("/login?reset=1");
    const login = await client.request("/login", { method: "POST", form: { email: "vera@example.com", password: "a brand new password" } });
    expect(login.status).toBe(302);
  });
});
