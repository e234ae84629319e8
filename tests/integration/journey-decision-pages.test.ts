/**
 * After module 1, through the pages: the planner books the free conclusion session from the queue, the
 * therapist records the decision on their home (a post without a choice is refused and stores nothing),
 * and the patient's home shows what was agreed and the next step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../setup/databases";
import { recordSessionCompleted } from "../../server/services/journey";
import { localInputValue } from "../../web/components/local-time";
import { signedInClients } from "../setup/sign-in";
import { createTestApp, type TestApp } from "../setup/test-app";

const MONDAY = new Date("2026-03-02T06:00:00Z");
const DAY = 24 * 60 * 60_000;

/** The page's HTML without React's text separators, so a sentence built from parts reads as one. */
async function pageText(response: Response): Promise<string> {
  return (await response.text()).replace(/<!-- -->/g, "");
}

describe.each(databaseKinds)("conclusion and decision pages on %s", (kind) => {
  let t: TestApp;
  let clients: Awaited<ReturnType<typeof signedInClients>>;
  let programId: string;
  let now = new Date(MONDAY);
  beforeAll(async () => {
    t = await createTestApp({ kind, now: () => new Date(now) });
    clients = await signedInClients(t);
    const db = t.services.db;
    const therapist = await db.selectFrom("user").select("id").where("email", "=", "therapist1@demo.clinic").executeTakeFirstOrThrow();
    const patient = await db.selectFrom("user").select("id").where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow();
    // Module 1 held: six sessions a month apart, the last one just ended.
    const program = await db
      .insertInto("program")
      .values({ patientId: patient.id, therapistId: therapist.id, status: "module1_in_progress", track: "module1", sessionsCompleted: 5, sessionsTotal: 6, supportingSessionsCompleted: 0, enrolledAt: new Date("2025-08-01T00:00:00Z"), updatedAt: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    programId = program.id;
    let last = "";
    for (let i = 0; i < 6; i++) {
      const startsAt = new Date(MONDAY.getTime() - (6 - i) * 30 * DAY + 5 * 60 * 60_000);
      const row = await db
        .insertInto("clinicalSession")
        .values({ kind: "program", therapistId: therapist.id, patientId: patient.id, programId, sequence: i + 1, startsAt, endsAt: new Date(startsAt.getTime() + 90 * 60_000), status: "completed", updatedAt: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      last = row.id;
    }
    await recordSessionCompleted(t.services, last);
  });
  afterAll(() => t?.dispose());

  it("the planner books the free 30-minute conclusion session from the queue", async () => {
    const home = await pageText(await clients.planner.request("/planner"));
    expect(home).toContain("Book the conclusion session");
    expect(home).toContain("one free 30-minute session");
    const page = await (await clients.planner.request(`/planner/plan/${programId}`)).text();
    expect(page).toContain("Conclusion session date and time");

    // Tuesday 10 March 2026, 10:00 in Sofia (the planner's and the therapist's zone).
    const startsAt = localInputValue(new Date("2026-03-10T08:00:00Z"), "Europe/Sofia");
    const booked = await clients.planner.request(`/planner/plan/${programId}`, { method: "POST", form: { intent: "conclusion", startsAt } });
    expect(booked.status).toBe(302);
    const session = await t.services.db.selectFrom("clinicalSession").selectAll().where("programId", "=", programId).where("kind", "=", "conclusion").executeTakeFirstOrThrow();
    expect(session.endsAt.getTime() - session.startsAt.getTime()).toBe(30 * 60_000);
    expect(session.startsAt.toISOString()).toBe("2026-03-10T08:00:00.000Z");
    const patientHome = await pageText(await clients.patient.request("/patient"));
    expect(patientHome).toContain("Join your conclusion session");

    // The conclusion is held.
    now = new Date("2026-03-10T08:35:00Z");
    await t.services.db.updateTable("clinicalSession").set({ status: "completed" }).where("id", "=", session.id).execute();
    await recordSessionCompleted(t.services, session.id);
  });

  it("the therapist records the decision; without a choice nothing is stored", async () => {
    const home = await pageText(await clients.therapist.request("/therapist"));
    expect(home).toContain("Decisions after the conclusion session");
    expect(home).toContain("What did you agree with Paula Patient?");
    expect(home).toContain("Record the decision: module 2, 3 or 6 more sessions, clinic visit, or finish.");

    const empty = await clients.therapist.request("/therapist", { method: "POST", form: { intent: "decision", programId } });
    expect(await pageText(empty)).toContain("Choose what happens next");
    expect((await t.services.db.selectFrom("program").select("status").where("id", "=", programId).executeTakeFirstOrThrow()).status).toBe("decision_pending");

    const patientBefore = await clients.patient.request("/therapist", { method: "POST", form: { intent: "decision", programId, decision: "finish" } });
    expect(patientBefore.status).toBe(403);

    const decided = await clients.therapist.request("/therapist", { method: "POST", form: { intent: "decision", programId, decision: "extend3" } });
    expect(await pageText(decided)).toContain("Decision recorded: Extend by 3 sessions.");
    expect(await t.services.db.selectFrom("program").select(["status", "sessionsTotal"]).where("id", "=", programId).executeTakeFirstOrThrow()).toEqual({ status: "awaiting_plan", sessionsTotal: 9 });
  });

  it("the patient's home shows what was agreed and the next step; the planner's queue has the 3 sessions", async () => {
    const home = await pageText(await clients.patient.request("/patient"));
    expect(home).toContain("agreed to extend your program by 3 sessions");
    expect(home).toContain("The planning desk is preparing the dates of your sessions for the extension.");
    const planner = await pageText(await clients.planner.request("/planner"));
    expect(planner).toContain("3 sessions");
    expect(planner).toContain("Propose dates");
  });
});
