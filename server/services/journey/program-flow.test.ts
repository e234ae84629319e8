import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { calendarDaysBetween } from "../../domain/journey/zoned-time";
import { parseCalendarEvents } from "../../../tests/setup/calendar-events";
import {
  acceptProposal,
  bookConsultation,
  canJoinSession,
  listUnpaidInvoices,
  overrideUnpaidBlock,
  packagesToShip,
  plannerCalendar,
  plannerQueue,
  programOverview,
  proposeSessionPlan,
  recordConsultationOutcome,
  recordPayment,
  recordWelcomePackageShipment,
  requestProposalChanges,
  sendProposal,
} from "./index";
import { count, createTestbed, seedClinic, type Testbed } from "./test-support";

const HOUR = 60 * 60_000;

describe.each(databaseKinds)("program flow on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  let consultationId: string;
  let programId: string;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
    const booked = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-03T07:00:00Z" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    consultationId = booked.value.sessionId;
  });
  afterAll(async () => bed?.dispose());

  it("only the consultation's therapist records the outcome, once it has started, with a reason when not suitable", async () => {
    const early = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: consultationId, outcome: "enrol" });
    expect(early).toMatchObject({ ok: false, code: "CONSULTATION_NOT_HELD", fieldErrors: { outcome: expect.any(String) } });
    bed.clock.set("2026-03-03T07:45:00Z");
    await expect(recordConsultationOutcome(bed.services, people.planner, { sessionId: consultationId, outcome: "enrol" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const noReason = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: consultationId, outcome: "not_suitable" });
    expect(noReason).toMatchObject({ ok: false, fieldErrors: { reason: expect.stringContaining("Explain") } });
    expect(await count(bed, "program")).toBe(0);
  });

  it("enrol creates the program (module 1) and queues it for the planner, due one working week later", async () => {
    const result = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: consultationId, outcome: "enrol" });
    if (!result.ok) throw new Error(JSON.stringify(result));
    programId = result.value.programId!;
    // Tuesday 09:45 in Sofia + 5 working days = the next Tuesday, same time.
    expect(result.value.planDueAt?.toISOString()).toBe("2026-03-10T07:45:00.000Z");
    const again = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: consultationId, outcome: "enrol" });
    expect(again).toMatchObject({ ok: false, code: "ALREADY_RECORDED" });

    const queue = await plannerQueue(bed.services, people.planner);
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ programId, status: "awaiting_plan", sessionsToPlan: 6, overdue: false, planDueAt: { local: "2026-03-10T09:45:00.000+02:00" } });
    await expect(plannerQueue(bed.services, people.patient)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const overview = await programOverview(bed.services, people.patient);
    expect(overview).toMatchObject({ programId, status: "awaiting_plan", sessionsTotal: 6 });
    expect(overview?.nextStep).toContain("preparing the dates");

    bed.clock.set("2026-03-10T08:00:00Z");
    expect((await plannerQueue(bed.services, people.planner))[0].overdue).toBe(true);
    bed.clock.set("2026-03-04T08:00:00Z");
  });

  it("refuses a proposal that breaks the interval rule without a reason, storing nothing", async () => {
    const suggestion = await proposeSessionPlan(bed.services, people.planner, { programId });
    if (!suggestion.ok) throw new Error(JSON.stringify(suggestion));
    const dates = suggestion.value.sessions.map((s) => s.startsAt);
    // Session 2 only 21 days after session 1 (same weekday and hour, so inside the therapist's hours).
    const tooClose = dates.map((d, i) => (i === 1 ? new Date(dates[0].getTime() + 21 * 24 * HOUR) : d));
    const refused = await sendProposal(bed.services, people.planner, { programId, sessions: tooClose.map((d) => ({ startsAt: d.toISOString() })) });
    expect(refused).toMatchObject({ ok: false, code: "INTERVAL_TOO_SHORT", fieldErrors: { "sessions.1.startsAt": expect.stringContaining("Give a reason") } });
    const wrongCount = await sendProposal(bed.services, people.planner, { programId, sessions: dates.slice(0, 3).map((d) => ({ startsAt: d })) });
    expect(wrongCount).toMatchObject({ ok: false, fieldErrors: { sessions: "Propose exactly 6 session dates" } });
    const outside = await sendProposal(bed.services, people.planner, {
      programId,
      sessions: dates.map((d, i) => ({ startsAt: i === 0 ? new Date(d.getTime() + 10 * HOUR) : d })),
    });
    expect(outside).toMatchObject({ ok: false, fieldErrors: { "sessions.0.startsAt": expect.stringContaining("outside the therapist's hours") } });
    expect(await count(bed, "sessionPlan")).toBe(0);
    const program = await bed.db.selectFrom("program").select("status").where("id", "=", programId).executeTakeFirstOrThrow();
    expect(program.status).toBe("awaiting_plan");
  });

  it("enrol → six dates 28–35 days apart → send → change request → resend → accept → first block paid", async () => {
    const suggestion = await proposeSessionPlan(bed.services, people.planner, { programId });
    if (!suggestion.ok) throw new Error(JSON.stringify(suggestion));
    const sessions = suggestion.value.sessions;
    expect(sessions).toHaveLength(6);
    for (let i = 1; i < 6; i++) {
      const days = calendarDaysBetween(sessions[i - 1].startsAt, sessions[i].startsAt, "Europe/Sofia");
      expect(days).toBeGreaterThanOrEqual(28);
      expect(days).toBeLessThanOrEqual(35);
    }
    for (const s of sessions) {
      expect(s.therapist.time >= "09:00" && s.therapist.time <= "15:30").toBe(true);
      expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(90 * 60_000);
      expect(s.patient.timeZone).toBe("Pacific/Auckland");
    }

    const sent = await sendProposal(bed.services, people.planner, { programId, sessions: sessions.map((s) => ({ startsAt: s.startsAt.toISOString() })) });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const changes = await requestProposalChanges(bed.services, people.patient, { planId: sent.value.planId, message: "" });
    expect(changes).toMatchObject({ ok: false, fieldErrors: { message: expect.any(String) } });
    const asked = await requestProposalChanges(bed.services, people.patient, { planId: sent.value.planId, message: "Mornings in Auckland are hard for me; evenings please." });
    expect(asked.ok).toBe(true);
    const queue = await plannerQueue(bed.services, people.planner);
    expect(queue[0]).toMatchObject({ status: "awaiting_plan", changeRequest: "Mornings in Auckland are hard for me; evenings please." });
    const stale = await acceptProposal(bed.services, people.patient, { planId: sent.value.planId });
    expect(stale).toMatchObject({ ok: false, code: "PLAN_NOT_OPEN" });

    // The planner moves sessions 3–6 two weeks later (more than 35 days after session 2) and says why.
    const adjusted = sessions.map((s, i) => ({
      startsAt: i >= 2 ? new Date(s.startsAt.getTime() + 14 * 24 * HOUR).toISOString() : s.startsAt.toISOString(),
      reason: i === 2 ? "Therapist on holiday that week" : undefined,
    }));
    const resent = await sendProposal(bed.services, people.planner, { programId, sessions: adjusted });
    if (!resent.ok) throw new Error(JSON.stringify(resent));
    expect(resent.value.sessions[2].deviationReason).toBe("Therapist on holiday that week");
    await expect(acceptProposal(bed.services, people.planner, { planId: resent.value.planId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const other = await bed.addUser("patient", "Someone Else", "UTC");
    await expect(acceptProposal(bed.services, other, { planId: resent.value.planId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const accepted = await acceptProposal(bed.services, people.patient, { planId: resent.value.planId });
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    expect(accepted.value.sessions.map((s) => s.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(accepted.value.invoices.map((i) => [i.block, i.amountCents, i.currency])).toEqual([
      [1, 94_500, "EUR"],
      [2, 94_500, "EUR"],
    ]);
    expect(accepted.value.invoices[0].dueAt?.toISOString()).toBe(accepted.value.sessions[0].startsAt.toISOString());
    expect(accepted.value.invoices[1].dueAt?.toISOString()).toBe(accepted.value.sessions[3].startsAt.toISOString());
    const program = await bed.db.selectFrom("program").selectAll().where("id", "=", programId).executeTakeFirstOrThrow();
    expect(program.status).toBe("module1_in_progress");

    // The acceptance e-mail carries all six sessions as one calendar.
    await bed.worker.runDueJobs();
    const mail = await bed.smtp.waitFor((m) => m.to.includes(people.patient.email) && m.subject === "Your sessions are booked");
    const events = parseCalendarEvents(mail.attachments[0].content.toString("utf8"));
    expect(events.map((e) => e.start.toISOString())).toEqual(accepted.value.sessions.map((s) => s.startsAt.toISOString()));

    // Unpaid: the first session cannot be joined.
    const first = accepted.value.sessions[0];
    expect(await canJoinSession(bed.services, people.patient, first.id)).toMatchObject({ allowed: false, code: "BLOCK_UNPAID", block: 1 });
    const unpaid = await listUnpaidInvoices(bed.services, people.planner);
    const block1 = unpaid.find((i) => i.block === 1)!;
    expect(block1).toMatchObject({ amount: "€945.00", status: "unpaid", overdue: false });

    // €900 of €945 arrives first: recorded, the balance is €45, the block is still unpaid.
    const part = await recordPayment(bed.services, people.planner, { invoiceId: block1.id, amountCents: "90000", reference: "SEPA 123" });
    expect(part).toMatchObject({ ok: true, value: { status: "unpaid", paidCents: 90_000, balanceCents: 4_500, balance: "€45.00" } });
    expect(await canJoinSession(bed.services, people.patient, first.id)).toMatchObject({ allowed: false, code: "BLOCK_UNPAID" });
    const tooMuch = await recordPayment(bed.services, people.planner, { invoiceId: block1.id, amountCents: "94500", reference: "SEPA 124" });
    expect(tooMuch).toMatchObject({ ok: false, fieldErrors: { amountCents: "The payment is more than what is still due: €45.00" } });
    await expect(recordPayment(bed.services, people.patient, { invoiceId: block1.id, amountCents: 4_500, reference: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const paid = await recordPayment(bed.services, people.planner, { invoiceId: block1.id, amountCents: "4500", reference: "SEPA 2026-03-05 WALKER" });
    expect(paid).toMatchObject({ ok: true, value: { status: "paid", paymentReference: "SEPA 2026-03-05 WALKER", balanceCents: 0 } });
    expect(await bed.db.selectFrom("invoicePayment").select(["amountCents", "reference"]).where("invoiceId", "=", block1.id).orderBy("createdAt").execute()).toEqual([
      { amountCents: 90_000, reference: "SEPA 123" },
      { amountCents: 4_500, reference: "SEPA 2026-03-05 WALKER" },
    ]);
    expect(await recordPayment(bed.services, people.planner, { invoiceId: block1.id, amountCents: 94_500, reference: "again" })).toMatchObject({ ok: false, code: "ALREADY_PAID" });
    const stored = await bed.db.selectFrom("invoice").selectAll().where("id", "=", block1.id).executeTakeFirstOrThrow();
    expect(stored.status).toBe("paid");
    expect(stored.paidAt).not.toBeNull();

    expect(await canJoinSession(bed.services, people.patient, first.id)).toMatchObject({ allowed: true, block: 1 });
    // Block 2 is still open: session 4 needs the payment or a recorded override.
    const fourth = accepted.value.sessions[3];
    expect(await canJoinSession(bed.services, people.therapist, fourth.id)).toMatchObject({ allowed: false, code: "BLOCK_UNPAID", block: 2 });
    await expect(overrideUnpaidBlock(bed.services, people.patient, { sessionId: fourth.id, reason: "please" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await overrideUnpaidBlock(bed.services, people.therapist, { sessionId: fourth.id, reason: " " })).toMatchObject({ ok: false, fieldErrors: { reason: expect.any(String) } });
    const override = await overrideUnpaidBlock(bed.services, people.therapist, { sessionId: fourth.id, reason: "Transfer is on its way" });
    expect(override).toMatchObject({ ok: true, value: { allowed: true, overridden: true, block: 2 } });
    const recorded = await bed.db.selectFrom("paymentOverride").selectAll().where("sessionId", "=", fourth.id).executeTakeFirstOrThrow();
    expect(recorded).toMatchObject({ byUserId: people.therapist.userId, role: "therapist", reason: "Transfer is on its way", block: 2 });
    expect(await canJoinSession(bed.services, people.patient, fourth.id)).toMatchObject({ allowed: true, overridden: true });

    const overview = await programOverview(bed.services, people.therapist, { programId });
    expect(overview?.sessions.filter((s) => s.kind === "program").map((s) => s.blockPaid)).toEqual([true, true, true, false, false, false]);
    expect(overview?.sessions[0].startsAt.timeZone).toBe("Europe/Sofia");
  });

  it("records the welcome package shipment and shows the planner's calendar", async () => {
    expect((await packagesToShip(bed.services, people.planner)).map((p) => p.programId)).toEqual([programId]);
    const future = await recordWelcomePackageShipment(bed.services, people.planner, { programId, shippedOn: "2026-04-01", trackingNumber: "RR123456789BG" });
    expect(future).toMatchObject({ ok: false, fieldErrors: { shippedOn: expect.any(String) } });
    const noTracking = await recordWelcomePackageShipment(bed.services, people.planner, { programId, shippedOn: "2026-03-04" });
    expect(noTracking).toMatchObject({ ok: false, fieldErrors: { trackingNumber: expect.any(String) } });
    const shipped = await recordWelcomePackageShipment(bed.services, people.planner, { programId, shippedOn: "2026-03-04", carrier: "Bulgarian Posts", trackingNumber: "RR123456789BG" });
    expect(shipped).toMatchObject({ ok: true });
    expect(await packagesToShip(bed.services, people.planner)).toEqual([]);
    expect(await recordWelcomePackageShipment(bed.services, people.planner, { programId, shippedOn: "2026-03-04", trackingNumber: "X" })).toMatchObject({ ok: false, code: "ALREADY_SHIPPED" });

    const calendar = await plannerCalendar(bed.services, people.planner, { from: "2026-03-01T00:00:00Z", to: "2026-12-31T00:00:00Z" });
    if (!calendar.ok) throw new Error("calendar");
    expect(calendar.value.sessions.filter((s) => s.kind === "program")).toHaveLength(6);
    expect(calendar.value.sessions.every((s) => s.therapistName === "Dr. Teodora Ivanova")).toBe(true);
    await expect(plannerCalendar(bed.services, people.therapist, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
