/**
 * Journey pages answering crafted form posts (what a browser cannot produce through the UI): each
 * refusal is shown with its message and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../setup/databases";
import { type Client, signedInClients } from "../setup/sign-in";
import { createTestApp, type TestApp } from "../setup/test-app";

const MONDAY = new Date("2026-03-02T06:00:00Z");

async function rowCount(t: TestApp, table: "clinicalSession" | "invoice" | "patientIntake"): Promise<number> {
  const row = await t.services.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(databaseKinds)("journey pages refuse crafted input on %s", (kind) => {
  let t: TestApp;
  let clients: Awaited<ReturnType<typeof signedInClients>>;
  let patient: Client;
  let therapistId: string;
  beforeAll(async () => {
    t = await createTestApp({ kind, now: () => new Date(MONDAY) });
    clients = await signedInClients(t);
    patient = clients.patient;
    therapistId = (await t.services.db.selectFrom("user").select("id").where("email", "=", "therapist1@demo.clinic").executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t?.dispose());

  const intake = (onsetDate: string) => ({
    condition: "bells_palsy",
    affectedSide: "right",
    onsetDate,
    country: "GB",
    timeZone: "Europe/London",
    concerns: "asymmetric_smile",
    freeText: "",
  });

  it("an onset in the future is refused on the field; nothing is stored", async () => {
    const response = await patient.request("/patient/intake", { method: "POST", form: intake("2026-03-05") });
    const html = await response.text();
    expect(html).toContain('id="field-onsetDate-error"');
    expect(html).toContain("The date of onset cannot be in the future");
    expect(await rowCount(t, "patientIntake")).toBe(0);
  });

  it("a consultation outside the therapist's hours is refused with a clear message; nothing is booked", async () => {
    const saved = await patient.request("/patient/intake", { method: "POST", form: intake("2024-01-15") });
    expect(saved.status).toBe(200);
    expect(await rowCount(t, "patientIntake")).toBe(1);
    const before = await rowCount(t, "clinicalSession");
    // Sunday 8 March 2026, 03:00 in Sofia: the demo therapist works Monday–Friday 09:00–17:00.
    const response = await patient.request("/patient/book", { method: "POST", form: { intent: "book", slot: `${therapistId}|2026-03-08T01:00:00.000Z` } });
    const html = await response.text();
    expect(html).toContain('id="slot-error"');
    expect(html).toContain("The slot is outside the therapist&#x27;s hours");
    expect(await rowCount(t, "clinicalSession")).toBe(before);
    expect(await rowCount(t, "invoice")).toBe(0);

    // The same therapist on Tuesday 10:00 in Sofia is bookable: the refusal above was about the hours.
    const ok = await patient.request("/patient/book", { method: "POST", form: { intent: "book", slot: `${therapistId}|2026-03-03T08:00:00.000Z` } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/patient/book?done=booked");
    expect(await rowCount(t, "invoice")).toBe(1);
  });

  it("another role cannot post to the patient's booking page", async () => {
    const response = await clients.therapist.request("/patient/book", { method: "POST", form: { intent: "book", slot: `${therapistId}|2026-03-03T09:00:00.000Z` } });
    expect(response.status).toBe(403);
  });
});
