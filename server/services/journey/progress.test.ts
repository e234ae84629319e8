import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { endCall } from "../calls";
import { scheduleSessionForPatient } from "../therapist-sessions";
import { planConclusionSession, plannerQueue, programOverview, programsAwaitingDecision, recordProgramDecision, recordSessionCompleted, therapistPrograms } from "./index";
import { count, createTestbed, seedClinic, type Testbed } from "./test-support";

const DAY = 24 * 60 * 60_000;
const MINUTE = 60_000;
/** Tuesday 3 March 2026, 09:00 in Sofia. */
const FIRST = new Date("2026-03-03T07:00:00Z");

describe.each(databaseKinds)("program progress on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;

  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
  });
  afterAll(async () => bed?.dispose());

  /** A module-1 program in progress with its six sessions booked a week apart (the planning itself is tested elsewhere). */
  async function programInProgress(patientId: string, status = "module1_in_progress", withSessions = true) {
    const program = await bed.db
      .insertInto("program")
      .values({ patientId, therapistId: people.therapist.userId, status, track: "module1", sessionsCompleted: 0, sessionsTotal: 6, supportingSessionsCompleted: 0, enrolledAt: bed.clock.now(), updatedAt: bed.clock.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const sessions: string[] = [];
    for (let i = 0; withSessions && i < 6; i++) {
      const startsAt = new Date(FIRST.getTime() + i * 7 * DAY);
      const row = await bed.db
        .insertInto("clinicalSession")
        .values({ kind: "program", therapistId: people.therapist.userId, patientId, programId: program.id, sequence: i + 1, startsAt, endsAt: new Date(startsAt.getTime() + 90 * MINUTE), createdBy: people.planner.userId, updatedAt: bed.clock.now() })
        .returning("id")
        .executeTakeFirstOrThrow();
      sessions.push(row.id);
    }
    return { programId: program.id, sessions };
  }

  async function complete(sessionId: string) {
    await bed.db.updateTable("clinicalSession").set({ status: "completed" }).where("id", "=", sessionId).execute();
    return recordSessionCompleted(bed.services, sessionId);
  }

  async function programRow(programId: string) {
    return bed.db.selectFrom("program").selectAll().where("id", "=", programId).executeTakeFirstOrThrow();
  }

  let programId: string;
  let conclusionId: string;

  it("counts each held session once; after the 6th the conclusion is due and the planner sees it", async () => {
    const made = await programInProgress(people.patient.userId);
    programId = made.programId;
    // Not held yet: nothing counts.
    expect(await recordSessionCompleted(bed.services, made.sessions[0])).toMatchObject({ changed: false, status: "module1_in_progress" });
    for (let i = 0; i < 5; i++) expect(await complete(made.sessions[i])).toMatchObject({ changed: true, status: "module1_in_progress" });
    expect((await programRow(programId)).sessionsCompleted).toBe(5);
    // A second call for the same session changes nothing.
    expect(await recordSessionCompleted(bed.services, made.sessions[4])).toMatchObject({ changed: false });
    expect((await programRow(programId)).sessionsCompleted).toBe(5);

    // The 6th session ends through the live call's end.
    bed.clock.set(new Date(FIRST.getTime() + 5 * 7 * DAY + 80 * MINUTE));
    await endCall(bed.services, { userId: people.therapist.userId, role: "therapist" }, made.sessions[5]);
    const after = await programRow(programId);
    expect(after).toMatchObject({ status: "conclusion_due", sessionsCompleted: 6 });
    expect(await recordSessionCompleted(bed.services, made.sessions[5])).toMatchObject({ changed: false, status: "conclusion_due" });
    expect((await programRow(programId)).sessionsCompleted).toBe(6);

    const queue = await plannerQueue(bed.services, people.planner);
    expect(queue).toEqual([expect.objectContaining({ programId, status: "conclusion_due", sessionsToPlan: 1 })]);
    const overview = await programOverview(bed.services, people.patient);
    expect(overview?.nextStep).toContain("free 30-minute conclusion session");
  });

  it("the planner books the free 30-minute conclusion session; a clash or a patient is refused, storing nothing", async () => {
    const sessionsBefore = await count(bed, "clinicalSession");
    // Friday 17 April 2026 10:00 in Sofia.
    const startsAt = "2026-04-17T07:00:00Z";
    await expect(planConclusionSession(bed.services, people.patient, { programId, startsAt })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const outside = await planConclusionSession(bed.services, people.planner, { programId, startsAt: "2026-04-18T07:00:00Z" });
    expect(outside).toMatchObject({ ok: false, fieldErrors: { startsAt: expect.stringContaining("hours") } });
    expect(await count(bed, "clinicalSession")).toBe(sessionsBefore);

    const planned = await planConclusionSession(bed.services, people.planner, { programId, startsAt });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    conclusionId = planned.value.sessionId;
    expect(planned.value.endsAt.getTime() - planned.value.startsAt.getTime()).toBe(30 * MINUTE);
    const session = await bed.db.selectFrom("clinicalSession").selectAll().where("id", "=", conclusionId).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ kind: "conclusion", programId, status: "scheduled" });
    expect(await bed.db.selectFrom("invoice").select("id").where("sessionId", "=", conclusionId).execute()).toHaveLength(0);
    expect((await programRow(programId)).status).toBe("conclusion_planned");
    expect(await plannerQueue(bed.services, people.planner)).toEqual([]);

    const again = await planConclusionSession(bed.services, people.planner, { programId, startsAt: "2026-04-20T07:00:00Z" });
    expect(again).toMatchObject({ ok: false, code: "TRANSITION_NOT_ALLOWED" });
  });

  it("refuses a decision before the conclusion session has taken place, storing nothing", async () => {
    const early = await recordProgramDecision(bed.services, people.therapist, { programId, decision: "module2" });
    expect(early).toMatchObject({ ok: false, code: "TRANSITION_NOT_ALLOWED", fieldErrors: { decision: expect.stringContaining("conclusion session") } });
    expect((await programRow(programId)).status).toBe("conclusion_planned");
  });

  it("the conclusion's end asks for the decision; only the program's therapist records it", async () => {
    expect(await complete(conclusionId)).toMatchObject({ changed: true, status: "decision_pending" });
    expect(await recordSessionCompleted(bed.services, conclusionId)).toMatchObject({ changed: false, status: "decision_pending" });
    expect(await programsAwaitingDecision(bed.services, people.therapist)).toEqual([expect.objectContaining({ programId, sessionsCompleted: 6 })]);
    await expect(programsAwaitingDecision(bed.services, people.patient)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await therapistPrograms(bed.services, people.therapist)).toEqual([
      expect.objectContaining({ programId, status: "decision_pending", nextStep: expect.stringContaining("Record the decision") }),
    ]);
    await expect(therapistPrograms(bed.services, people.planner)).rejects.toMatchObject({ code: "FORBIDDEN" });

    await expect(recordProgramDecision(bed.services, people.patient, { programId, decision: "finish" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(recordProgramDecision(bed.services, people.planner, { programId, decision: "finish" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = await bed.addUser("therapist", "Dr. Other", "Europe/Sofia");
    await expect(recordProgramDecision(bed.services, other, { programId, decision: "finish" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const invalid = await recordProgramDecision(bed.services, people.therapist, { programId, decision: "forever" });
    expect(invalid).toMatchObject({ ok: false, fieldErrors: { decision: "Choose what happens next" } });
    expect((await programRow(programId)).status).toBe("decision_pending");
  });

  it("module 2 puts the patient back in the planner's queue for 6 more sessions", async () => {
    const decided = await recordProgramDecision(bed.services, people.therapist, { programId, decision: "module2" });
    expect(decided).toMatchObject({ ok: true, value: { status: "awaiting_plan", sessionsToPlan: 6 } });
    expect(await programRow(programId)).toMatchObject({ status: "awaiting_plan", track: "module2", sessionsCompleted: 6, sessionsTotal: 12 });
    expect((await programRow(programId)).planDueAt).not.toBeNull();
    expect(await plannerQueue(bed.services, people.planner)).toEqual([expect.objectContaining({ programId, status: "awaiting_plan", sessionsToPlan: 6 })]);
    const again = await recordProgramDecision(bed.services, people.therapist, { programId, decision: "finish" });
    expect(again).toMatchObject({ ok: false, code: "TRANSITION_NOT_ALLOWED" });
    expect((await programRow(programId)).status).toBe("awaiting_plan");
    expect(await programOverview(bed.services, people.patient)).toMatchObject({ decision: "module2", nextStep: expect.stringContaining("module 2") });
    expect(await programsAwaitingDecision(bed.services, people.therapist)).toEqual([]);
  });

  it.each([
    ["extend3", { status: "awaiting_plan", track: "extension", sessionsTotal: 9 }, 3],
    ["extend6", { status: "awaiting_plan", track: "extension", sessionsTotal: 12 }, 6],
    ["clinic_visit", { status: "clinic_visit_planned", track: "module1", sessionsTotal: 6 }, 0],
    ["finish", { status: "finished", track: "module1", sessionsTotal: 6 }, 0],
  ] as const)("%s has its effect", async (decision, expected, toPlan) => {
    const patient = await bed.addUser("patient", `Patient ${decision}`, "Europe/London");
    const made = await programInProgress(patient.userId, "decision_pending", false);
    await bed.db.updateTable("program").set({ sessionsCompleted: 6 }).where("id", "=", made.programId).execute();
    const decided = await recordProgramDecision(bed.services, people.therapist, { programId: made.programId, decision });
    expect(decided).toMatchObject({ ok: true, value: { status: expected.status, sessionsToPlan: toPlan } });
    expect(await programRow(made.programId)).toMatchObject({ ...expected, sessionsCompleted: 6 });
    const queued = (await plannerQueue(bed.services, people.planner)).some((q) => q.programId === made.programId);
    expect(queued).toBe(expected.status === "awaiting_plan");
  });

  it("after finishing, a supporting session is invoiced at its price, belongs to the program and is counted once", async () => {
    const patient = await bed.addUser("patient", "Patient supporting", "Europe/London");
    const made = await programInProgress(patient.userId, "decision_pending", false);
    await bed.db.updateTable("program").set({ sessionsCompleted: 6 }).where("id", "=", made.programId).execute();
    expect(await recordProgramDecision(bed.services, people.therapist, { programId: made.programId, decision: "finish" })).toMatchObject({ ok: true });
    const therapist = { userId: people.therapist.userId, role: "therapist", name: "Dr. Teodora Ivanova", timeZone: "Europe/Sofia" };
    const booked = await scheduleSessionForPatient(bed.services, therapist, { patientId: patient.userId, kind: "supporting", startsAtLocal: "2026-06-01T10:00" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    const session = await bed.db.selectFrom("clinicalSession").selectAll().where("id", "=", booked.value.sessionId).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ kind: "supporting", programId: made.programId });
    const invoices = await bed.db.selectFrom("invoice").selectAll().where("sessionId", "=", session.id).execute();
    expect(invoices).toEqual([expect.objectContaining({ kind: "supporting", amountCents: 31_500, status: "unpaid" })]);
    expect(await complete(session.id)).toMatchObject({ changed: true, status: "finished" });
    expect(await recordSessionCompleted(bed.services, session.id)).toMatchObject({ changed: false });
    expect((await programRow(made.programId)).supportingSessionsCompleted).toBe(1);
    expect((await programOverview(bed.services, patient))?.nextStep).toContain("supporting session");
  });
});
