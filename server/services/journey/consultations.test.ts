import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { parseCalendarEvents } from "../../../tests/setup/calendar-events";
import {
  bookConsultation,
  cancelConsultation,
  getEligibility,
  listOpenConsultationSlots,
  mySchedule,
  rescheduleConsultation,
  saveIntake,
  setWeeklyAvailability,
  addAvailabilityException,
} from "./index";
import { count, createTestbed, seedClinic, type Testbed, VALID_INTAKE } from "./test-support";

const TUESDAY_9_SOFIA = "2026-03-03T07:00:00.000Z"; // 09:00 in Sofia (UTC+2) = 20:00 in Auckland (UTC+13)

describe.each(databaseKinds)("consultation booking on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
  });
  afterAll(async () => bed?.dispose());

  it("refuses bad intake input on the field and stores nothing", async () => {
    const patient = await bed.addUser("patient", "Ann Other", "Europe/London");
    const before = await count(bed, "patientIntake");
    const future = await saveIntake(bed.services, patient, { ...VALID_INTAKE, onsetDate: "2026-03-09" });
    expect(future).toMatchObject({ ok: false, code: "ONSET_IN_FUTURE", fieldErrors: { onsetDate: "The date of onset cannot be in the future" } });
    const zone = await saveIntake(bed.services, patient, { ...VALID_INTAKE, timeZone: "Mars/Olympus_Mons" });
    expect(zone).toMatchObject({ ok: false, fieldErrors: { timeZone: "Choose a time zone from the list" } });
    expect(await count(bed, "patientIntake")).toBe(before);
    const user = await bed.db.selectFrom("user").select("timeZone").where("id", "=", patient.userId).executeTakeFirstOrThrow();
    expect(user.timeZone).toBe("Europe/London");
    expect(await getEligibility(bed.services, patient)).toBeNull();
  });

  it("stores a valid intake and explains eligibility", async () => {
    const recent = await bed.addUser("patient", "Recent Onset", "Europe/Berlin");
    const saved = await saveIntake(bed.services, recent, { ...VALID_INTAKE, onsetDate: "2025-12-01", timeZone: "Europe/Berlin", country: "de", preferredTimeOfDay: "morning" });
    expect(saved).toMatchObject({ ok: true, value: { intake: { country: "DE", preferredTimeOfDay: "morning" }, eligibility: { status: "not_yet", eligibleFrom: "2026-08-01" } } });
    expect(await getEligibility(bed.services, people.patient)).toEqual({ status: "eligible" });
    await expect(getEligibility(bed.services, recent, people.patient.userId)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses availability with a bad zone or window, per field", async () => {
    const bad = await setWeeklyAvailability(bed.services, people.therapist, people.therapist.userId, {
      timeZone: "Nowhere/City",
      weekly: [{ weekday: 1, start: "17:00", end: "09:00" }],
    });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { timeZone: expect.any(String), "weekly.0.end": "The end must be after the start" } });
    await expect(setWeeklyAvailability(bed.services, people.patient, people.therapist.userId, { timeZone: "UTC", weekly: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("shows the same open instant to an Auckland patient and a Sofia therapist, each in their zone", async () => {
    const listed = await listOpenConsultationSlots(bed.services, people.patient, { days: 7 });
    if (!listed.ok) throw new Error(JSON.stringify(listed));
    expect(listed.value.timeZone).toBe("Pacific/Auckland");
    // 24 h notice: the first slot is Tuesday 09:00 in Sofia.
    const first = listed.value.slots[0];
    expect(first.startsAt.toISOString()).toBe(TUESDAY_9_SOFIA);
    expect(first.endsAt.getTime() - first.startsAt.getTime()).toBe(40 * 60_000);
    expect(first.viewer).toMatchObject({ utc: TUESDAY_9_SOFIA, local: "2026-03-03T20:00:00.000+13:00", time: "20:00" });
    expect(first.therapist).toMatchObject({ utc: TUESDAY_9_SOFIA, local: "2026-03-03T09:00:00.000+02:00", time: "09:00" });
    // Every slot lies inside 09:00–17:00 Sofia time.
    for (const slot of listed.value.slots) {
      expect(slot.therapist.time >= "09:00" && slot.therapist.time <= "16:20").toBe(true);
    }
  });

  it("refuses a slot outside the therapist's hours on the field, storing nothing", async () => {
    const before = [await count(bed, "clinicalSession"), await count(bed, "invoice"), await count(bed, "job")];
    const early = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-04T05:00:00Z" });
    expect(early).toMatchObject({ ok: false, code: "SLOT_OUTSIDE_AVAILABILITY", fieldErrors: { startsAt: "The slot is outside the therapist's hours" } });
    const noOffset = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-03T09:00" });
    expect(noOffset).toMatchObject({ ok: false, fieldErrors: { startsAt: "Choose a time" } });
    const tooSoon = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-02T09:00:00Z" });
    expect(tooSoon).toMatchObject({ ok: false, code: "SLOT_TOO_SOON", fieldErrors: { startsAt: expect.any(String) } });
    expect([await count(bed, "clinicalSession"), await count(bed, "invoice"), await count(bed, "job")]).toEqual(before);
  });

  it("books: session, unpaid EUR 145 invoice, and a confirmation with a valid .ics at the booked UTC instant", async () => {
    const booked = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-03T20:00:00+13:00" });
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    expect(booked.value.startsAt.toISOString()).toBe(TUESDAY_9_SOFIA);
    expect(booked.value.viewer.local).toBe("2026-03-03T20:00:00.000+13:00");
    const invoice = await bed.db.selectFrom("invoice").selectAll().where("id", "=", booked.value.invoiceId).executeTakeFirstOrThrow();
    expect(invoice).toMatchObject({ kind: "consultation", amountCents: 14_500, currency: "EUR", status: "unpaid" });
    // Due after the clinic's payment terms (14 days from booking), not at the consultation's start: never overdue at once.
    expect(invoice.dueAt?.toISOString()).toBe(new Date(bed.services.now().getTime() + 14 * 86_400_000).toISOString());

    // Each side reads its own clock.
    const patientView = await mySchedule(bed.services, people.patient);
    const therapistView = await mySchedule(bed.services, people.therapist);
    if (!patientView.ok || !therapistView.ok) throw new Error("schedule");
    expect(patientView.value.sessions[0].startsAt).toMatchObject({ utc: TUESDAY_9_SOFIA, local: "2026-03-03T20:00:00.000+13:00" });
    expect(therapistView.value.sessions[0].startsAt).toMatchObject({ utc: TUESDAY_9_SOFIA, local: "2026-03-03T09:00:00.000+02:00" });

    // The taken slot is gone from the list.
    const listed = await listOpenConsultationSlots(bed.services, people.planner, { days: 2 });
    if (!listed.ok) throw new Error("list");
    expect(listed.value.slots.map((s) => s.startsAt.toISOString())).not.toContain(TUESDAY_9_SOFIA);

    await bed.worker.runDueJobs();
    const mail = await bed.smtp.waitFor((m) => m.to.includes(people.patient.email) && m.subject.startsWith("Booked"));
    expect(mail.subject).toContain("Tuesday 3 March 2026, 20:00 (Pacific/Auckland)");
    const therapistMail = await bed.smtp.waitFor((m) => m.to.includes(people.therapist.email) && m.subject.startsWith("Booked"));
    expect(therapistMail.subject).toContain("09:00 (Europe/Sofia)");
    const attachment = mail.attachments.find((a) => a.filename?.endsWith(".ics"));
    expect(attachment?.contentType).toBe("text/calendar");
    const ics = attachment!.content.toString("utf8");
    expect(ics).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics).toContain("METHOD:PUBLISH");
    expect(ics).toMatch(/DTSTART:20260303T070000Z/);
    const [event] = parseCalendarEvents(ics);
    expect(event.start.toISOString()).toBe(booked.value.startsAt.toISOString());
    expect(event.end.toISOString()).toBe(booked.value.endsAt.toISOString());
    expect(event.uid).toBe(`${booked.value.sessionId}@clinic.test`);

    // One waiting consultation per patient.
    const second = await bookConsultation(bed.services, people.patient, { therapistId: people.therapist.userId, startsAt: "2026-03-04T07:00:00Z" });
    expect(second).toMatchObject({ ok: false, code: "CONSULTATION_ALREADY_BOOKED" });
  });

  it("answers SLOT_TAKEN with a refreshed list when another patient already has the slot", async () => {
    const other = await bed.addUser("patient", "Rosa Martín", "America/New_York");
    await saveIntake(bed.services, other, { ...VALID_INTAKE, country: "US", timeZone: "America/New_York" });
    const taken = await bookConsultation(bed.services, other, { therapistId: people.therapist.userId, startsAt: TUESDAY_9_SOFIA });
    expect(taken).toMatchObject({ ok: false, code: "SLOT_TAKEN", fieldErrors: { startsAt: "This slot was just taken. Please choose another time." } });
    if (taken.ok) return;
    expect(taken.openSlots?.length).toBeGreaterThan(0);
    expect(taken.openSlots?.map((s) => s.startsAt.toISOString())).not.toContain(TUESDAY_9_SOFIA);
    expect(taken.openSlots?.[0].viewer.timeZone).toBe("America/New_York");
  });

  it("reschedules and cancels within the notice period, freeing the slot", async () => {
    const session = await bed.db.selectFrom("clinicalSession").selectAll().where("patientId", "=", people.patient.userId).executeTakeFirstOrThrow();
    const moved = await rescheduleConsultation(bed.services, people.patient, { sessionId: session.id, startsAt: "2026-03-04T08:00:00Z" });
    expect(moved).toMatchObject({ ok: true, value: { startsAt: new Date("2026-03-04T08:00:00Z") } });
    // Moving the consultation leaves the invoice's terms alone.
    const invoice = await bed.db.selectFrom("invoice").select(["dueAt", "createdAt"]).where("sessionId", "=", session.id).executeTakeFirstOrThrow();
    expect(invoice.dueAt?.getTime()).toBeGreaterThan(new Date("2026-03-04T08:00:00Z").getTime());
    // The old slot is open again.
    const other = await bed.db.selectFrom("user").select("id").where("name", "=", "Rosa Martín").executeTakeFirstOrThrow();
    const rosa = { userId: other.id, role: "patient" as const, sessionId: "s", ip: "127.0.0.1" };
    const rebooked = await bookConsultation(bed.services, rosa, { therapistId: people.therapist.userId, startsAt: TUESDAY_9_SOFIA });
    expect(rebooked.ok).toBe(true);

    await bed.worker.runDueJobs();
    const movedMail = await bed.smtp.waitFor((m) => m.to.includes(people.patient.email) && m.subject.startsWith("Moved"));
    const [event] = parseCalendarEvents(movedMail.attachments[0].content.toString("utf8"));
    expect(event).toMatchObject({ start: new Date("2026-03-04T08:00:00Z"), sequence: 1 });

    // Too late for the patient: less than 24 h before.
    bed.clock.set("2026-03-03T09:00:00Z");
    const late = await cancelConsultation(bed.services, people.patient, { sessionId: session.id });
    expect(late).toMatchObject({ ok: false, code: "CHANGE_TOO_LATE" });
    // The planning desk may still cancel.
    const cancelled = await cancelConsultation(bed.services, people.planner, { sessionId: session.id, reason: "Patient called in sick" });
    expect(cancelled.ok).toBe(true);
    const after = await bed.db.selectFrom("invoice").select("status").where("sessionId", "=", session.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("void");
    await bed.worker.runDueJobs();
    const cancelMail = await bed.smtp.waitFor((m) => m.to.includes(people.patient.email) && m.subject.startsWith("Cancelled"));
    const cancelIcs = cancelMail.attachments[0].content.toString("utf8");
    expect(cancelIcs).toContain("METHOD:CANCEL");
    expect(parseCalendarEvents(cancelIcs)[0]).toMatchObject({ status: "CANCELLED", sequence: 2 });
    bed.clock.set("2026-03-02T06:00:00Z");
  });

  it("keeps a patient's bookings private", async () => {
    const session = await bed.db.selectFrom("clinicalSession").select("id").where("status", "=", "scheduled").executeTakeFirstOrThrow();
    await expect(cancelConsultation(bed.services, people.patient, { sessionId: session.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const stranger = await bed.addUser("therapist", "Other Therapist", "Europe/Berlin");
    await expect(rescheduleConsultation(bed.services, stranger, { sessionId: session.id, startsAt: "2026-03-05T08:00:00Z" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("takes a day off out of the open slots", async () => {
    const off = await addAvailabilityException(bed.services, people.planner, people.therapist.userId, { date: "2026-03-05", kind: "unavailable", note: "Conference" });
    expect(off.ok).toBe(true);
    const bad = await addAvailabilityException(bed.services, people.therapist, people.therapist.userId, { date: "2026-02-30", kind: "extra" });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { date: expect.any(String) } });
    const listed = await listOpenConsultationSlots(bed.services, people.patient, { days: 7 });
    if (!listed.ok) throw new Error("list");
    expect(listed.value.slots.some((s) => s.therapist.date === "2026-03-05")).toBe(false);
    expect(listed.value.slots.some((s) => s.therapist.date === "2026-03-06")).toBe(true);
  });
});
