/**
 * "Not suitable" and "clinic visit" reach the patient: an e-mail through the job queue with the
 * specialist's reason and the clinic's contact, and the patient's next step says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { bookConsultation, myNextStep, recordConsultationOutcome, updateJourneySettings } from "./index";
import { addPatientWithIntake, createTestbed, seedClinic, type Testbed } from "./test-support";

describe.each(databaseKinds)("consultation outcomes reach the patient on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
    const admin = await bed.addUser("admin", "Ada Admin", "Europe/Sofia");
    const saved = await updateJourneySettings(bed.services, admin, { clinicEmail: "desk@clinic.example", clinicPhone: "+359 2 123 4567", clinicAddress: "1 Vitosha Blvd\nSofia 1000" });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
  });
  afterAll(async () => bed?.dispose());

  it.each([
    ["not_suitable", "Your palsy needs an in-person assessment first.", /not suitable for you/, "If you have questions"],
    ["clinic_visit", "Botulinum treatment at the clinic would help before exercises.", /visit to the clinic is recommended/, "To arrange your visit"],
  ] as const)("%s: e-mail with the reason and contact; the home page's next step says so", async (outcome, reason, subject, contactWords) => {
    const patient = outcome === "not_suitable" ? people.patient : await addPatientWithIntake(bed, "Rosa Martín", "America/New_York");
    bed.clock.set("2026-03-02T06:00:00Z");
    const booked = await bookConsultation(bed.services, patient, { therapistId: people.therapist.userId, startsAt: outcome === "not_suitable" ? "2026-03-03T07:00:00Z" : "2026-03-03T09:00:00Z" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    expect((await myNextStep(bed.services, patient)).step.kind).toBe("join_consultation");

    bed.clock.set("2026-03-03T10:00:00Z");
    const recorded = await recordConsultationOutcome(bed.services, people.therapist, { sessionId: booked.value.sessionId, outcome, reason });
    expect(recorded.ok).toBe(true);
    await bed.worker.runDueJobs();
    const mail = await bed.smtp.waitFor((m) => m.to.includes(patient.email) && subject.test(m.subject));
    expect(mail.text).toContain(reason);
    expect(mail.text).toContain(contactWords);
    expect(mail.text).toContain("desk@clinic.example");
    expect(mail.text).toContain("+359 2 123 4567");

    const { step, outcome: told } = await myNextStep(bed.services, patient);
    expect(step.kind).toBe(outcome);
    expect(step.link).toBeNull();
    expect(told).toMatchObject({ outcome, reason, clinicContact: { email: "desk@clinic.example" } });

    // A second run of the queue sends nothing again.
    const before = bed.smtp.messages.filter((m) => subject.test(m.subject)).length;
    await bed.worker.runDueJobs();
    expect(bed.smtp.messages.filter((m) => subject.test(m.subject))).toHaveLength(before);
  });
});
