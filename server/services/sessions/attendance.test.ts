import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { endCall, getAttendance, joinCall, recordCallLeft, setAutoAdmit } from "../calls";
import { loadJourneySettings } from "../journey/settings";
import { createTestbed, seedClinic, type Testbed } from "../journey/test-support";
import { insertSession } from "./schedule";

describe.each(databaseKinds)("attendance on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
  });
  afterAll(async () => bed?.dispose());

  it("keeps one record per participant, with every reconnect as an interval inside it", async () => {
    const settings = await loadJourneySettings(bed.db);
    const session = await insertSession(bed.db, settings, { kind: "supporting", therapistId: people.therapist.userId, patientId: people.patient.userId, startsAt: new Date("2026-03-03T08:00:00Z"), createdBy: null, mail: false }, bed.clock.now());
    const therapist = { userId: people.therapist.userId, role: "therapist" as const };
    const patient = { userId: people.patient.userId, role: "patient" as const };
    bed.clock.set("2026-03-03T08:00:00Z");
    expect(await joinCall(bed.services, therapist, session.id, "t-1")).toMatchObject({ state: "joined" });
    await setAutoAdmit(bed.services, therapist, session.id, true);
    expect(await joinCall(bed.services, patient, session.id, "p-1")).toMatchObject({ state: "joined" });
    // The patient's network drops twice; each time the socket comes back as a new connection.
    for (const [drop, back, connection] of [["08:10", "08:11", "p-2"], ["08:30", "08:32", "p-3"]] as const) {
      bed.clock.set(`2026-03-03T${drop}:00Z`);
      await recordCallLeft(bed.services, session.id, connection === "p-2" ? "p-1" : "p-2");
      bed.clock.set(`2026-03-03T${back}:00Z`);
      expect(await joinCall(bed.services, patient, session.id, connection)).toMatchObject({ state: "joined" });
    }
    // A repeated join on an open connection (a retried acknowledgement) adds nothing.
    expect(await joinCall(bed.services, patient, session.id, "p-3")).toMatchObject({ state: "joined" });
    bed.clock.set("2026-03-03T09:00:00Z");
    await endCall(bed.services, therapist, session.id);

    const rows = await bed.db.selectFrom("callAttendance").selectAll().where("sessionId", "=", session.id).execute();
    expect(rows).toHaveLength(2);
    const summary = await getAttendance(bed.services, therapist, session.id);
    const patientRow = summary.rows.find((r) => r.userId === patient.userId)!;
    expect(patientRow).toMatchObject({ joinedAt: new Date("2026-03-03T08:00:00Z"), leftAt: new Date("2026-03-03T09:00:00Z") });
    expect(patientRow.intervals.map((i) => [i.connectionId, i.joinedAt.toISOString().slice(11, 16), i.leftAt?.toISOString().slice(11, 16)])).toEqual([
      ["p-1", "08:00", "08:10"],
      ["p-2", "08:11", "08:30"],
      ["p-3", "08:32", "09:00"],
    ]);
    expect(summary.rows.find((r) => r.userId === therapist.userId)!.intervals).toHaveLength(1);
    expect(summary.actualMinutes).toBe(60);
  });
});
