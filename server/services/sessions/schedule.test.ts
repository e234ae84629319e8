import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../../tests/setup/databases";
import { statusOf } from "../../domain/domain-error";
import { endCall } from "../calls";
import { updateJourneySettings } from "../journey";
import { createTestbed, seedClinic, type Testbed } from "../journey/test-support";
import { scheduleSessionForPatient } from "../therapist-sessions";
import { insertSession } from "./schedule";
import { loadJourneySettings } from "../journey/settings";

const ROOT = join(__dirname, "../../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".") || name === "build") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("one owner for clinical sessions", () => {
  it("only sessions/schedule.ts inserts into clinical_session", () => {
    const inserting = ["server", "web", "db", "media"]
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((file) => /insertInto\(\s*["'](clinicalSession|clinical_session)["']|insert\s+into\s+clinical_session/i.test(readFileSync(file, "utf8")))
      .map((file) => relative(ROOT, file));
    expect(inserting).toEqual(["server/services/sessions/schedule.ts"]);
  });
});

/** Monday 2 March 2026, 06:00 UTC; the therapist works 09:00–17:00 in Sofia (UTC+2). */
describe.each(databaseKinds)("a therapist's direct booking on %s", (kind) => {
  let bed: Testbed;
  let people: Awaited<ReturnType<typeof seedClinic>>;
  let therapist: { userId: string; role: string; name: string; timeZone: string };
  beforeAll(async () => {
    bed = await createTestbed(kind);
    people = await seedClinic(bed);
    therapist = { userId: people.therapist.userId, role: "therapist", name: "Dr. Teodora Ivanova", timeZone: "Europe/Sofia" };
    // A consultation held last week makes the patient one of the therapist's.
    const settings = await loadJourneySettings(bed.db);
    await insertSession(bed.db, settings, { kind: "consultation", therapistId: therapist.userId, patientId: people.patient.userId, startsAt: new Date("2026-02-24T08:00:00Z"), status: "completed", createdBy: null, mail: false }, bed.clock.now());
  });
  afterAll(async () => bed?.dispose());

  const book = (kind: string, startsAtLocal: string) => scheduleSessionForPatient(bed.services, therapist, { patientId: people.patient.userId, kind, startsAtLocal });

  it("refusals carry a code; pages, the API and socket acks give it one status", () => {
    expect([statusOf("INVALID_INPUT"), statusOf("SLOT_TAKEN"), statusOf("FORBIDDEN"), statusOf("NOT_FOUND"), statusOf("SOMETHING_NEW")]).toEqual([422, 409, 403, 404, 422]);
  });

  it("refuses program and conclusion sessions with a clear message, and stores nothing", async () => {
    const before = await bed.db.selectFrom("clinicalSession").select("id").execute();
    expect(await book("program", "2026-03-10T10:00")).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { kind: expect.stringMatching(/planning desk/) } });
    expect(await book("conclusion", "2026-03-10T10:00")).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { kind: expect.stringMatching(/planning desk/) } });
    expect(await bed.db.selectFrom("clinicalSession").select("id").execute()).toHaveLength(before.length);
  });

  it("takes the length from the clinic's settings, refuses a clash, raises the invoice, queues the e-mail and reminders", async () => {
    const changed = await updateJourneySettings(bed.services, { ...people.planner, role: "admin" }, { ...(await loadJourneySettings(bed.db)), sessionMinutes: 75 });
    expect(changed.ok).toBe(true);
    const booked = await book("supporting", "2026-03-10T10:00");
    if (!booked.ok) throw new Error(JSON.stringify(booked));
    expect(await book("supporting", "2026-03-10T10:30")).toMatchObject({ ok: false, fieldErrors: { startsAtLocal: expect.stringMatching(/already have a session/) } });
    const session = await bed.db.selectFrom("clinicalSession").selectAll().where("id", "=", booked.value.sessionId).executeTakeFirstOrThrow();
    expect(session.startsAt.toISOString()).toBe("2026-03-10T08:00:00.000Z");
    expect(session.endsAt.toISOString()).toBe("2026-03-10T09:15:00.000Z");
    const invoices = await bed.db.selectFrom("invoice").selectAll().where("sessionId", "=", session.id).execute();
    expect(invoices).toEqual([expect.objectContaining({ kind: "supporting", status: "unpaid" })]);
    const jobs = await bed.db.selectFrom("job").select(["kind", "dedupeKey"]).where("dedupeKey", "like", `%${session.id}%`).execute();
    expect(jobs.map((j) => j.kind).sort()).toEqual(["reminder-1h", "reminder-24h", "session-mail"].sort());
  });

  it("refuses a supporting session while the patient's program with the therapist runs", async () => {
    const program = await bed.db
      .insertInto("program")
      .values({ patientId: people.patient.userId, therapistId: therapist.userId, status: "module1_in_progress", track: "module1", sessionsCompleted: 1, sessionsTotal: 6, enrolledAt: bed.clock.now(), updatedAt: bed.clock.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      expect(await book("supporting", "2026-03-12T10:00")).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { kind: expect.stringMatching(/finished/) } });
    } finally {
      await bed.db.deleteFrom("program").where("id", "=", program.id).execute();
    }
  });

  it("an ended session frees the rest of its slot", async () => {
    const first = await book("supporting", "2026-03-11T10:00");
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(await book("supporting", "2026-03-11T11:00")).toMatchObject({ ok: false, code: "SLOT_TAKEN", fieldErrors: { startsAtLocal: expect.stringMatching(/already have a session/) } });
    bed.clock.set("2026-03-11T08:20:00Z");
    await endCall(bed.services, { userId: therapist.userId, role: "therapist" }, first.value.sessionId);
    const after = await book("supporting", "2026-03-11T11:00");
    expect(after).toMatchObject({ ok: true });
    const ended = await bed.db.selectFrom("clinicalSession").select(["status", "endsAt", "endedAt"]).where("id", "=", first.value.sessionId).executeTakeFirstOrThrow();
    // The booked end stays on record; the time it was held ended at the end.
    expect(ended).toMatchObject({ status: "completed", endedAt: new Date("2026-03-11T08:20:00Z"), endsAt: new Date("2026-03-11T09:15:00Z") });
  });
});
