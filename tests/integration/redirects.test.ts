import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { type Client, signedInClients } from "../setup/sign-in";
import { createClient, createTestApp, TEST_ORIGIN, type TestApp } from "../setup/test-app";
import { totpCode } from "../setup/totp";

const HOSTILE = ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/phish"];
const landsOnApp = (location: string | null) => new URL(location ?? "", TEST_ORIGIN).origin === TEST_ORIGIN;

/** One rule for "where next": login, the two-step code and diary consent never send anyone off the app. */
describe("redirects after login, the two-step code and consent stay on this app", () => {
  let t: TestApp;
  let patient: Client;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    ({ patient } = await signedInClients(t));
  });
  afterAll(() => t?.dispose());

  it.each(HOSTILE)("login with redirectTo=%j", async (target) => {
    const client = createClient(t, "10.80.0.1");
    const response = await client.request(`/login?redirectTo=${encodeURIComponent(target)}`, { method: "POST", form: { email: "patient1@demo.clinic", password: DEMO_PASSWORD } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/patient");
  });

  it.each(HOSTILE)("two-step code with redirectTo=%j", async (target) => {
    const client = createClient(t, "10.80.0.2");
    await client.request("/login", { method: "POST", form: { email: "therapist1@demo.clinic", password: DEMO_PASSWORD } });
    const response = await client.request(`/login/code?redirectTo=${encodeURIComponent(target)}`, { method: "POST", form: { code: totpCode() } });
    expect(response.status).toBe(302);
    expect(landsOnApp(response.headers.get("location"))).toBe(true);
    expect(response.headers.get("location")).toBe("/therapist");
  });

  it("a same-app path is still followed", async () => {
    const client = createClient(t, "10.80.0.3");
    const response = await client.request(`/login?redirectTo=${encodeURIComponent("/diary/new")}`, { method: "POST", form: { email: "patient1@demo.clinic", password: DEMO_PASSWORD } });
    expect(response.headers.get("location")).toBe("/diary/new");
  });

  it.each(HOSTILE)("diary consent never links or redirects to next=%j", async (target) => {
    const query = `?next=${encodeURIComponent(target)}`;
    const page = await patient.request(`/diary/consent${query}`);
    expect(await page.text()).not.toMatch(/href="[^"]*evil\.example/);
    const granted = await patient.request(`/diary/consent${query}`, { method: "POST", form: { scope: "landmarks", agree: "yes" } });
    expect(landsOnApp(granted.headers.get("location") ?? "/")).toBe(true);
    expect(await granted.text()).not.toMatch(/href="[^"]*evil\.example/);
  });
});
