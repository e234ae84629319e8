/**
 * The unpaid-block gate at the call: a program session whose block is unpaid cannot be joined (patient or
 * therapist) until a planner or the therapist records an override, or the block's invoice is paid.
 * Consultations are not part of a block and open as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../setup/databases";
import { joinCall } from "../../server/services/calls";
import {
  acceptProposal,
  bookConsultation,
  listUnpaidInvoices,
  overrideUnpaidBlock,
  proposeSessionPlan,
  recordConsultationOutcome,
  recordPayment,
  sendProposal,
} from "../../server/services/journey";
import { createTestbed, seedClinic, type Testbed } from "../../server/services/journey/test-support";

describe.each(databaseKinds)("joining a session of an unpaid block on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  let sessions: { id: string; sequence: number; startsAt: Date }[];
  let consultationId: string;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
    const booked = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-03T07:00:00Z" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    consultationId = booked.value.sessionId;
    bed.clock.set("2026-03-03T06:55:00Z");
    // The consultation itself is not part of a block: its (unpaid) invoice does not keep anyone out.
    await expect(joinCall(bed.services, { userId: people.patient.userId, role: "patient" }, consultationId, "p.consult")).resolves.toMatchObject({ state: "waiting" });
    bed.clock.set("2026-03-03T07:45:00Z");
    const outcome = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: consultationId, outcome: "enrol" });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome));
    const programId = outcome.value.programId!;
    const proposal = await proposeSessionPlan(bed.services, people.planner, { programId });
    if (!proposal.ok) throw new Error(JSON.stringify(proposal));
    const sent = await sendProposal(bed.services, people.planner, { programId, sessions: proposal.value.sessions.map((s) => ({ startsAt: s.startsAt.toISOString() })) });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const accepted = await acceptProposal(bed.services, people.patient, { planId: sent.value.planId });
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    sessions = accepted.value.sessions;
  });
  afterAll(async () => bed?.dispose());

  it("refuses patient and therapist with BLOCK_UNPAID, each in their own words", async () => {
    bed.clock.set(new Date(sessions[0].startsAt.getTime() - 5 * 60_000));
    await expect(joinCall(bed.services, { userId: people.patient.userId, role: "patient" }, sessions[0].id, "p.1")).rejects.toMatchObject({
      code: "BLOCK_UNPAID",
      message: expect.stringContaining("waiting for payment"),
    });
    await expect(joinCall(bed.services, { userId: people.therapist.userId, role: "therapist" }, sessions[0].id, "t.1")).rejects.toMatchObject({
      code: "BLOCK_UNPAID",
      message: expect.stringContaining("override"),
    });
    const participants = await bed.db.selectFrom("callParticipant").select("userId").where("sessionId", "=", sessions[0].id).execute();
    expect(participants).toEqual([]);
  });

  it("lets the session start once the therapist records an override (only that session)", async () => {
    const override = await overrideUnpaidBlock(bed.services, people.therapist, { sessionId: sessions[0].id, reason: "Transfer is on its way" });
    expect(override).toMatchObject({ ok: true, value: { allowed: true, overridden: true } });
    await expect(joinCall(bed.services, { userId: people.therapist.userId, role: "therapist" }, sessions[0].id, "t.1")).resolves.toMatchObject({ state: "joined" });
    bed.clock.set(new Date(sessions[1].startsAt.getTime() - 5 * 60_000));
    await expect(joinCall(bed.services, { userId: people.therapist.userId, role: "therapist" }, sessions[1].id, "t.2")).rejects.toMatchObject({ code: "BLOCK_UNPAID" });
  });

  it("lets every session of the block start once the planner records the payment", async () => {
    const [invoice] = (await listUnpaidInvoices(bed.services, people.planner)).filter((i) => i.kind === "block" && i.block === 1);
    const paid = await recordPayment(bed.services, people.planner, { invoiceId: invoice.id, amountCents: invoice.amountCents, reference: "SEPA 123" });
    expect(paid.ok).toBe(true);
    await expect(joinCall(bed.services, { userId: people.therapist.userId, role: "therapist" }, sessions[1].id, "t.2")).resolves.toMatchObject({ state: "joined" });
    // Block 2 (session 4) is still unpaid.
    bed.clock.set(new Date(sessions[3].startsAt.getTime() - 5 * 60_000));
    await expect(joinCall(bed.services, { userId: people.patient.userId, role: "patient" }, sessions[3].id, "p.4")).rejects.toMatchObject({ code: "BLOCK_UNPAID" });
  });
});
