import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../server/services/demo-clinic";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";
import { totpCode } from "../setup/totp";

const WRONG = "not the right password";
const PATIENTS = ["patient1@demo.clinic", "patient2@demo.clinic", "patient3@demo.clinic"];

/** One failure counter for every way in (form, better-auth's API, two-step code, backup code); only failures count. */
describe("sign-in limits", () => {
  let t: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    // The production defaults: 10 failures per address in 15 minutes, 10 per account.
    t = await createTestApp({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "10", AUTH_RATE_LIMIT_WINDOW_SECONDS: "900" }, now: () => new Date(clock) });
    await seedDemo(t.services);
  });
  afterAll(() => t?.dispose());
  const later = (minutes: number) => (clock += minutes * 60_000);

  const apiSignIn = (ip: string, email: string, password: string) => createClient(t, ip).request("/api/auth/sign-in/email", { method: "POST", json: { email, password } });
  const formSignIn = (ip: string, email: string, password: string) => createClient(t, ip).request("/login", { method: "POST", form: { email, password } });

  it("wrong passwords through better-auth's API lock the account for the form and the API alike", async () => {
    for (let i = 0; i < 5; i++) expect((await apiSignIn(`10.70.1.${i}`, PATIENTS[0]!, WRONG)).status).toBe(401);
    for (let i = 5; i < 10; i++) expect((await formSignIn(`10.70.1.${i}`, PATIENTS[0]!, WRONG)).status).toBe(401);
    expect((await apiSignIn("10.70.1.50", PATIENTS[0]!, DEMO_PASSWORD)).status).toBe(429);
    const form = await formSignIn("10.70.1.51", PATIENTS[0]!, DEMO_PASSWORD);
    expect(form.status).toBe(429);
    expect(await form.text()).toContain("Too many attempts");
    // The wait runs from the failures, not from the refused tries.
    later(14);
    expect((await apiSignIn("10.70.1.52", PATIENTS[0]!, DEMO_PASSWORD)).status).toBe(429);
    later(1.5);
    expect((await formSignIn("10.70.1.53", PATIENTS[0]!, DEMO_PASSWORD)).status).toBe(302);
  });

  it("a clinic behind one address signs in many times without ever being limited", async () => {
    for (let i = 0; i < 25; i++) {
      const email = PATIENTS[i % PATIENTS.length]!;
      const response = i % 2 ? await apiSignIn("10.70.2.1", email, DEMO_PASSWORD) : await formSignIn("10.70.2.1", email, DEMO_PASSWORD);
      expect(response.status, `sign-in ${i + 1}`).toBe(i % 2 ? 200 : 302);
    }
  });

  it("failures from one address for different accounts are limited per address", async () => {
    later(20);
    for (let i = 0; i < 10; i++) expect((await apiSignIn("10.70.3.1", `stranger${i}@example.com`, WRONG)).status).toBe(401);
    expect((await formSignIn("10.70.3.1", PATIENTS[1]!, DEMO_PASSWORD)).status).toBe(429);
    expect((await formSignIn("10.70.3.2", PATIENTS[1]!, DEMO_PASSWORD)).status).toBe(302);
  });

  it("wrong two-step and backup codes count in the same counter as wrong passwords", async () => {
    later(20);
    const client = createClient(t, "10.70.4.1");
    for (let i = 0; i < 4; i++) expect((await apiSignIn(`10.70.4.${10 + i}`, "therapist1@demo.clinic", WRONG)).status).toBe(401);
    expect((await client.request("/login", { method: "POST", form: { email: "therapist1@demo.clinic", password: DEMO_PASSWORD } })).headers.get("location")).toBe("/login/code");
    for (let i = 0; i < 3; i++) await client.request("/login/code", { method: "POST", form: { code: String(100000 + i) } });
    for (let i = 0; i < 2; i++) await client.request("/api/auth/two-factor/verify-backup-code", { method: "POST", json: { code: `wrong-${10000 + i}` } });
    expect((await apiSignIn("10.70.4.20", "therapist1@demo.clinic", WRONG)).status).toBe(401);
    // 5 passwords + 5 codes = 10 failures: the account is locked everywhere, even for the right code.
    const code = await client.request("/login/code", { method: "POST", form: { code: totpCode() } });
    expect(code.status).toBe(429);
    expect((await apiSignIn("10.70.4.99", "therapist1@demo.clinic", DEMO_PASSWORD)).status).toBe(429);
  });
});
