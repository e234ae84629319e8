/**
 * Journey pages answering crafted form posts (what a browser cannot produce through the UI): each
 * refusal is shown with its message and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../setup/databases";
import { proposeSessionPlan, sendProposal } from "../../server/services/journey";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { type Client, signedInClients } from "../setup/sign-in";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";

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
  let now = new Date(MONDAY);
  beforeAll(async () => {
    t = await createTestApp({ kind, now: () => new Date(now) });
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

  it("a slot taken meanwhile (a lost race) says the slot was just taken and books nothing", async () => {
    const other = createClient(t, "10.3.0.1");
    const login = await other.request("/login", { method: "POST", form: { email: "patient2@demo.clinic", password: DEMO_PASSWORD } });
    expect(login.status).toBe(302);
    await other.request("/patient/intake", { method: "POST", form: { ...intake("2024-01-15"), country: "NZ", timeZone: "Pacific/Auckland" } });
    const before = await rowCount(t, "clinicalSession");
    const response = await other.request("/patient/book", { method: "POST", form: { intent: "book", slot: `${therapistId}|2026-03-03T08:00:00.000Z` } });
    expect(await response.text()).toContain("This slot was just taken. Please choose another time.");
    expect(await rowCount(t, "clinicalSession")).toBe(before);
  });

  it("outcome, acceptance, and the session page's unpaid-block gate with the therapist's override", async () => {
    const consultation = await t.services.db
      .selectFrom("clinicalSession")
      .select("id")
      .where("startsAt", "=", new Date("2026-03-03T08:00:00.000Z"))
      .executeTakeFirstOrThrow();
    now = new Date("2026-03-03T08:45:00Z");
    const listed = await (await clients.therapist.request("/therapist/consultations")).text();
    expect(listed).toContain("Paula Patient");
    const recorded = await clients.therapist.request("/therapist/consultations", { method: "POST", form: { sessionId: consultation.id, outcome: "enrol", reason: "" } });
    expect(await recorded.text()).toContain("Outcome recorded: the patient is enrolled");

    const planner = await t.services.db.selectFrom("user").select("id").where("email", "=", "planner@demo.clinic").executeTakeFirstOrThrow();
    const plannerActor = { userId: planner.id, role: "planner" as const, sessionId: "test", ip: "127.0.0.1" };
    const program = await t.services.db.selectFrom("program").select("id").executeTakeFirstOrThrow();
    const editor = await clients.planner.request(`/planner/plan/${program.id}`);
    expect(editor.status).toBe(200);
    const suggestion = await proposeSessionPlan(t.services, plannerActor, { programId: program.id });
    if (!suggestion.ok) throw new Error(JSON.stringify(suggestion));
    const sent = await sendProposal(t.services, plannerActor, { programId: program.id, sessions: suggestion.value.sessions.map((x) => ({ startsAt: x.startsAt.toISOString() })) });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const accepted = await patient.request("/patient/plan", { method: "POST", form: { intent: "accept", planId: sent.value.planId } });
    expect(accepted.headers.get("location")).toBe("/patient/plan?accepted=1");

    const first = await t.services.db.selectFrom("clinicalSession").select(["id", "startsAt"]).where("programId", "=", program.id).where("sequence", "=", 1).executeTakeFirstOrThrow();
    now = new Date(first.startsAt.getTime() - 5 * 60_000);
    const patientPage = await (await patient.request(`/sessions/${first.id}`)).text();
    expect(patientPage).toContain("Waiting for payment");
    expect(patientPage).not.toContain("Override and start");
    const therapistPage = await (await clients.therapist.request(`/sessions/${first.id}`)).text();
    expect(therapistPage).toContain("Override and start");

    const noReason = await clients.therapist.request(`/sessions/${first.id}`, { method: "POST", form: { reason: "" } });
    expect(await noReason.text()).toContain("Give a reason for starting an unpaid session");
    expect(await t.services.db.selectFrom("paymentOverride").select("sessionId").execute()).toHaveLength(0);
    const overridden = await clients.therapist.request(`/sessions/${first.id}`, { method: "POST", form: { reason: "Transfer is on its way" } });
    expect(overridden.status).toBe(200);
    expect(await (await patient.request(`/sessions/${first.id}`)).text()).not.toContain("Waiting for payment");
    const [override] = await t.services.db.selectFrom("paymentOverride").selectAll().execute();
    expect(override).toMatchObject({ sessionId: first.id, role: "therapist", reason: "Transfer is on its way" });
  });

  it("another role cannot post to the patient's booking page", async () => {
    const response = await clients.therapist.request("/patient/book", { method: "POST", form: { intent: "book", slot: `${therapistId}|2026-03-03T09:00:00.000Z` } });
    expect(response.status).toBe(403);
  });
});
