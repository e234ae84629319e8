/**
 * Reminders arrive through the real SMTP server at their times, driven by a clock the test moves and one
 * `runDueJobs()` call per step: no sleeping. Re-running, restarting or retrying never sends twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../tests/setup/databases";
import { acceptProposal, bookConsultation, proposeSessionPlan, recordConsultationOutcome, recordPayment, rescheduleConsultation, sendProposal } from "../services/journey";
import { createTestbed, seedClinic, type Testbed } from "../services/journey/test-support";
import { journeyJobHandlers } from "../services/journey/job-handlers";
import { createJobWorker } from "./worker";

const START = "2026-03-03T07:00:00.000Z"; // booked at Monday 06:00 UTC: 25 h ahead

describe.each(databaseKinds)("reminders on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  let sessionId: string;
  const mailsTo = (email: string, prefix: string) => bed.smtp.messages.filter((m) => m.to.includes(email) && m.subject.startsWith(prefix));

  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
    const booked = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: START });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    sessionId = booked.value.sessionId;
  });
  afterAll(async () => bed?.dispose());

  it("sends the confirmation at once and nothing else before its time", async () => {
    const summary = await bed.worker.runDueJobs();
    expect(summary).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(mailsTo(people.patient.email, "Booked")).toHaveLength(1);
    expect(mailsTo(people.patient.email, "Reminder")).toHaveLength(0);
    bed.clock.set("2026-03-02T06:59:59Z");
    expect(await bed.worker.runDueJobs()).toEqual({ done: 0, retried: 0, failed: 0 });
  });

  it("sends the 24-hour reminder at start − 24 h, in the patient's zone, once", async () => {
    bed.clock.set("2026-03-02T07:00:00Z");
    expect((await bed.worker.runDueJobs()).done).toBe(1);
    const [reminder] = mailsTo(people.patient.email, "Reminder");
    expect(reminder.subject).toBe("Reminder: your video consultation tomorrow, Tuesday 3 March 2026, 20:00 (Pacific/Auckland)");
    expect(reminder.text).toContain("/sessions/");
    expect(mailsTo(people.therapist.email, "Reminder")).toHaveLength(0);

    // Running again, or a second worker (a restart), finds nothing to do.
    expect((await bed.worker.runDueJobs()).done).toBe(0);
    const restarted = createJobWorker(bed.services, journeyJobHandlers(), { workerId: "after-restart" });
    expect((await restarted.runDueJobs()).done).toBe(0);
    expect(mailsTo(people.patient.email, "Reminder")).toHaveLength(1);
  });

  it("never sends twice even when a job runs again after a crash", async () => {
    // Simulate a worker that died after sending but before marking the job done: the lease runs out.
    const job = await bed.db.selectFrom("job").selectAll().where("kind", "=", "reminder-24h").executeTakeFirstOrThrow();
    await bed.db.updateTable("job").set({ status: "running", lockedUntil: new Date("2026-03-02T07:01:00Z"), lockedBy: "dead-worker", finishedAt: null }).where("id", "=", job.id).execute();
    bed.clock.set("2026-03-02T07:30:00Z");
    const summary = await bed.worker.runDueJobs();
    expect(summary.done).toBe(1);
    const rerun = await bed.db.selectFrom("job").selectAll().where("id", "=", job.id).executeTakeFirstOrThrow();
    expect(rerun).toMatchObject({ status: "done", attempts: 2, result: "already-sent" });
    expect(mailsTo(people.patient.email, "Reminder")).toHaveLength(1);
  });

  it("sends the 1-hour reminder at start − 1 h", async () => {
    bed.clock.set("2026-03-03T05:59:00Z");
    expect((await bed.worker.runDueJobs()).done).toBe(0);
    bed.clock.set("2026-03-03T06:00:00Z");
    expect((await bed.worker.runDueJobs()).done).toBe(1);
    const reminders = mailsTo(people.patient.email, "Reminder");
    expect(reminders.map((m) => m.subject)).toEqual([
      "Reminder: your video consultation tomorrow, Tuesday 3 March 2026, 20:00 (Pacific/Auckland)",
      "Reminder: your video consultation in one hour, Tuesday 3 March 2026, 20:00 (Pacific/Auckland)",
    ]);
  });

  it("a moved session gets new reminders and the old ones send nothing", async () => {
    // Another patient books Thursday; then moves to Friday. Only Friday's reminders go out.
    bed.clock.set("2026-03-03T08:00:00Z");
    const other = await bed.addUser("patient", "Paula Patient", "Europe/London");
    const { saveIntake } = await import("../services/journey");
    await saveIntake(bed.services, other, { condition: "ramsay_hunt", affectedSide: "right", onsetDate: "2020-05-01", country: "GB", timeZone: "Europe/London", concerns: ["synkinesis"] });
    const booked = await bookConsultation(bed.services, other, { therapistId: people.therapist.userId, startsAt: "2026-03-05T10:00:00Z" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    const moved = await rescheduleConsultation(bed.services, other, { sessionId: booked.value.sessionId, startsAt: "2026-03-06T10:00:00Z" });
    expect(moved.ok).toBe(true);
    bed.clock.set("2026-03-04T10:00:00Z"); // old 24 h reminder time
    await bed.worker.runDueJobs();
    const old = await bed.db.selectFrom("job").select(["result", "status"]).where("dedupeKey", "=", `reminder-24h:${booked.value.sessionId}:2026-03-05T10:00:00.000Z`).executeTakeFirstOrThrow();
    expect(old).toEqual({ result: "skipped: moved", status: "done" });
    expect(bed.smtp.messages.filter((m) => m.to.includes(other.email) && m.subject.startsWith("Reminder"))).toHaveLength(0);
    bed.clock.set("2026-03-05T10:00:00Z");
    await bed.worker.runDueJobs();
    const reminders = bed.smtp.messages.filter((m) => m.to.includes(other.email) && m.subject.startsWith("Reminder"));
    expect(reminders.map((m) => m.subject)).toEqual(["Reminder: your video consultation tomorrow, Friday 6 March 2026, 10:00 (Europe/London)"]);
    expect(sessionId).toBeTruthy();
  });

  it("sends the invoice reminder before a block's due date, and none once paid", async () => {
    bed.clock.set("2026-03-03T08:00:00Z");
    const outcome = await recordConsultationOutcome(bed.services, people.therapist, { sessionId, outcome: "enrol" });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome));
    const programId = outcome.value.programId!;
    const plan = await proposeSessionPlan(bed.services, people.planner, { programId });
    if (!plan.ok) throw new Error(JSON.stringify(plan));
    const sent = await sendProposal(bed.services, people.planner, { programId, sessions: plan.value.sessions.map((s) => ({ startsAt: s.startsAt })) });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const accepted = await acceptProposal(bed.services, people.patient, { planId: sent.value.planId });
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    const [block1, block2] = accepted.value.invoices;
    // Block 1 is due within three days, so its reminder is queued at once; it is paid before the worker runs.
    const paid = await recordPayment(bed.services, people.planner, { invoiceId: block1.id, amountCents: block1.amountCents, reference: "SEPA" });
    expect(paid.ok).toBe(true);
    await bed.worker.runDueJobs();
    const block1Job = await bed.db.selectFrom("job").select("result").where("dedupeKey", "like", `invoice-reminder:${block1.id}:%`).executeTakeFirstOrThrow();
    expect(block1Job.result).toBe("skipped: paid");
    const before = bed.smtp.messages.filter((m) => m.to.includes(people.patient.email) && m.subject.startsWith("Payment reminder")).length;
    expect(before).toBe(0);

    const reminderAt = (due: Date) => new Date(due.getTime() - 3 * 24 * 60 * 60_000);
    bed.clock.set(new Date(reminderAt(block2.dueAt!).getTime() - 60_000));
    await bed.worker.runDueJobs();
    expect(bed.smtp.messages.filter((m) => m.subject.startsWith("Payment reminder"))).toHaveLength(0);
    bed.clock.set(reminderAt(block2.dueAt!));
    await bed.worker.runDueJobs();
    const payment = bed.smtp.messages.filter((m) => m.to.includes(people.patient.email) && m.subject.startsWith("Payment reminder"));
    expect(payment).toHaveLength(before + 1);
    expect(payment.at(-1)!.subject).toContain("€945.00");
    expect(payment.at(-1)!.text).toContain("sessions block 2");
  });
});
