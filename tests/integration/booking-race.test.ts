/**
 * Twenty patients click the same consultation slot at the same moment. On PostgreSQL the requests really
 * run in parallel transactions; the exclusion constraint lets exactly one insert commit and the others
 * get SLOT_TAKEN with a refreshed list. (PGlite serialises transactions, so there the same code path is
 * exercised without true parallelism.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseKind } from "../../db/client";
import { bookConsultation } from "../../server/services/journey";
import { addPatientWithIntake, createTestbed, seedClinic, type Testbed } from "../../server/services/journey/test-support";

const SLOT = "2026-03-03T07:00:00.000Z"; // Tuesday 09:00 in Sofia
const RACERS = 20;

function raceSuite(kind: DatabaseKind) {
  let bed: Testbed;
  let therapistId: string;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    const clinic = await seedClinic(bed);
    therapistId = clinic.therapist.userId;
  });
  afterAll(async () => bed?.dispose());

  it(`${RACERS} simultaneous bookings of one slot: one booking, ${RACERS - 1} × SLOT_TAKEN`, async () => {
    const patients = [];
    for (let i = 0; i < RACERS; i++) patients.push(await addPatientWithIntake(bed, `Racer ${i}`, i % 2 ? "Pacific/Auckland" : "Europe/Lisbon"));
    const results = await Promise.all(patients.map((patient) => bookConsultation(bed.services, patient, { therapistId, startsAt: SLOT })));
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(RACERS - 1);
    for (const loser of losers) {
      expect(loser).toMatchObject({ ok: false, code: "SLOT_TAKEN", fieldErrors: { startsAt: "This slot was just taken. Please choose another time." } });
      if (loser.ok) continue;
      expect(loser.openSlots?.length).toBeGreaterThan(0);
      expect(loser.openSlots?.some((s) => s.startsAt.toISOString() === SLOT)).toBe(false);
    }
    const sessions = await bed.db.selectFrom("clinicalSession").selectAll().where("startsAt", "=", new Date(SLOT)).execute();
    expect(sessions).toHaveLength(1);
    const invoices = await bed.db.selectFrom("invoice").select("id").execute();
    expect(invoices).toHaveLength(1);
    // Only the winner's confirmation and reminders were queued.
    const jobs = await bed.db.selectFrom("job").select("payload").execute();
    expect(jobs.every((j) => (j.payload as { sessionId: string }).sessionId === sessions[0].id)).toBe(true);
  });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("booking race on real PostgreSQL", () => raceSuite("postgres"));
describe("booking race on PGlite (serialised, same code path)", () => raceSuite("pglite"));
