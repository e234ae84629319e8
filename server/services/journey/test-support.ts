/**
 * Test bed for the journey services: the real app services on a fresh database, a real SMTP server, a
 * clock the test moves (`clock.set`, `clock.advance`) and a job worker run by hand (`runDueJobs()`), so
 * reminders are tested at their exact times without sleeping.
 */
import { randomBytes } from "node:crypto";
import type { DatabaseKind } from "../../../db/client";
import type { Role } from "../../../db/schema";
import { startTestSmtpServer, type TestSmtpServer } from "../../../tests/setup/smtp";
import { createTestApp, type TestApp } from "../../../tests/setup/test-app";
import { journeyJobHandlers } from "./job-handlers";
import { createJobWorker, type JobWorker } from "../../jobs/worker";
import type { Actor } from "../context";
import { saveIntake } from "./intake";
import { setWeeklyAvailability } from "./availability";

/** Monday 2 March 2026, 06:00 UTC: 08:00 in Sofia (UTC+2), 19:00 in Auckland (UTC+13). */
export const MONDAY = new Date("2026-03-02T06:00:00Z");

export const VALID_INTAKE = {
  condition: "bells_palsy",
  specialCauses: [],
  affectedSide: "left",
  onsetDate: "2024-01-15",
  country: "NZ",
  timeZone: "Pacific/Auckland",
  concerns: ["asymmetric_smile", "synkinesis"],
  freeText: "My smile is still uneven.",
};

export interface Testbed {
  t: TestApp;
  services: TestApp["services"];
  db: TestApp["services"]["db"];
  smtp: TestSmtpServer;
  worker: JobWorker;
  clock: { now(): Date; set(date: Date | string): void; advance(ms: number): void };
  addUser(role: Role, name: string, timeZone: string): Promise<Actor & { email: string }>;
  dispose(): Promise<void>;
}

export async function createTestbed(kind: DatabaseKind, start: Date = MONDAY): Promise<Testbed> {
  const smtp = await startTestSmtpServer();
  let now = new Date(start);
  const t = await createTestApp({ kind, smtpUrl: smtp.url, now: () => new Date(now) });
  const worker = createJobWorker(t.services, journeyJobHandlers(), { workerId: "test-worker" });
  let n = 0;
  return {
    t,
    services: t.services,
    db: t.services.db,
    smtp,
    worker,
    clock: {
      now: () => new Date(now),
      set: (date) => {
        now = new Date(date);
      },
      advance: (ms) => {
        now = new Date(now.getTime() + ms);
      },
    },
    async addUser(role, name, timeZone) {
      const id = randomBytes(12).toString("hex");
      const email = `${role}-${++n}-${id.slice(0, 6)}@example.test`;
      await t.services.db
        .insertInto("user")
        .values({ id, name, email, emailVerified: true, image: null, role, timeZone, createdAt: now, updatedAt: now })
        .execute();
      return { userId: id, role, sessionId: `session-${id}`, ip: "127.0.0.1", email };
    },
    async dispose() {
      await worker.stop();
      await t.dispose();
      await smtp.close();
    },
  };
}

/** A Sofia therapist working Monday–Friday 09:00–17:00, a planner, and an Auckland patient with an intake. */
export async function seedClinic(bed: Testbed, options: { patientZone?: string } = {}) {
  const therapist = await bed.addUser("therapist", "Dr. Teodora Ivanova", "Europe/Sofia");
  const planner = await bed.addUser("planner", "Petra Planner", "Europe/Sofia");
  const patient = await bed.addUser("patient", "Hemi Walker", options.patientZone ?? "Pacific/Auckland");
  const hours = await setWeeklyAvailability(bed.services, therapist, therapist.userId, {
    timeZone: "Europe/Sofia",
    weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "17:00" })),
  });
  if (!hours.ok) throw new Error(`availability: ${JSON.stringify(hours)}`);
  const intake = await saveIntake(bed.services, patient, { ...VALID_INTAKE, timeZone: options.patientZone ?? "Pacific/Auckland" });
  if (!intake.ok) throw new Error(`intake: ${JSON.stringify(intake)}`);
  return { therapist, planner, patient };
}

export async function addPatientWithIntake(bed: Testbed, name: string, timeZone = "Pacific/Auckland") {
  const patient = await bed.addUser("patient", name, timeZone);
  const intake = await saveIntake(bed.services, patient, { ...VALID_INTAKE, timeZone });
  if (!intake.ok) throw new Error(`intake: ${JSON.stringify(intake)}`);
  return patient;
}

export async function count(bed: Testbed, table: "clinicalSession" | "invoice" | "job" | "sessionPlan" | "patientIntake" | "program"): Promise<number> {
  const row = await bed.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
