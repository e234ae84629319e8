import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../server/services/demo-clinic";
import { type Client, signedInClients } from "../setup/sign-in";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";

/** better-auth's own endpoints accept user fields too: they follow the same rules as our forms. */
describe("better-auth's sign-up and update-user validate every field like our forms", () => {
  let t: TestApp;
  let patient: Client;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "50" } });
    ({ patient } = await signedInClients(t));
  });
  afterAll(() => t?.dispose());

  const signUp = (body: Record<string, unknown>) =>
    createClient(t, "10.9.0.1").request("/api/auth/sign-up/email", { method: "POST", json: { password: "correct horse battery staple", callbackURL: "/", ...body } });
  const stored = (email: string) => t.database.db.selectFrom("user").select(["name", "timeZone"]).where("email", "=", email).executeTakeFirst();

  it.each([
    ["an unknown zone", { timeZone: "Bogus/Zone" }],
    ["a zone given as an array", { timeZone: ["Europe/Sofia"] }],
    ["a name of 900,000 characters", { name: "x".repeat(900_000) }],
    ["a name with control characters", { name: "Eve\u0000\u202EEvil" }],
  ])("sign-up refuses %s and stores nobody", async (_label, fields) => {
    const email = `hostile-${Math.random().toString(36).slice(2)}@example.com`;
    const response = await signUp({ name: "Hostile Visitor", email, timeZone: "Europe/Sofia", ...fields });
    expect(response.status).toBe(400);
    expect(await stored(email)).toBeUndefined();
  });

  it("sign-up with a real zone still works", async () => {
    const response = await signUp({ name: "Real Visitor", email: "real-visitor@example.com", timeZone: "Pacific/Auckland" });
    expect(response.status).toBe(200);
    expect(await stored("real-visitor@example.com")).toEqual({ name: "Real Visitor", timeZone: "Pacific/Auckland" });
  });

  it("update-user refuses an unknown zone and an oversized name, keeping what was stored", async () => {
    const email = DEMO_USERS.find((u) => u.role === "patient")!.email;
    const before = await stored(email);
    for (const body of [{ timeZone: "Bogus/Zone" }, { name: "y".repeat(900_000) }, { timeZone: "Europe/Sofia", name: "" }]) {
      const response = await patient.request("/api/auth/update-user", { method: "POST", json: body });
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect(await stored(email)).toEqual(before);
    const fine = await patient.request("/api/auth/update-user", { method: "POST", json: { timeZone: "America/New_York" } });
    expect(fine.status).toBe(200);
    expect((await stored(email))?.timeZone).toBe("America/New_York");
  });
});

describe("zones stored before validation existed", () => {
  it("become UTC once, so no page is left computing with them", async () => {
    const t = await createTestApp({ kind: "pglite" });
    try {
      await signedInClients(t);
      const email = DEMO_USERS.find((u) => u.role === "patient")!.email;
      await t.database.db.updateTable("user").set({ timeZone: "Bogus/Zone" }).where("email", "=", email).execute();
      const { up } = await import("../../db/migrations/0010-unknown-time-zones-to-utc");
      await up(t.database.db as never);
      const rows = await t.database.db.selectFrom("user").select(["email", "timeZone"]).execute();
      expect(rows.find((r) => r.email === email)?.timeZone).toBe("UTC");
      expect(rows.find((r) => r.email === DEMO_USERS[0]!.email)?.timeZone).toBe(DEMO_USERS[0]!.timeZone);
    } finally {
      await t.dispose();
    }
  });
});
