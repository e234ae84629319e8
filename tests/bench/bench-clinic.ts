/**
 * A clinic the size the throughput bench needs: the demo clinic, 8 more therapists (10 in all, with
 * two-step sign-in like the demo staff) and 200 more patients (203), each patient with a completed
 * consultation with one therapist, and one full patient record (sessions, homework, diary, snapshots)
 * for the session page and the therapist's view of a diary. Written straight into the database before
 * the app starts (users with the demo password's hash: 200 password hashes would take minutes).
 */
import { randomUUID } from "node:crypto";
import { symmetricEncrypt } from "better-auth/crypto";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/logger";
import { insertCredentialUser } from "../../server/services/credential-users";
import { createServices } from "../../server/services/create-services";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from "../../server/services/demo-clinic";
import { seedPatientRecord } from "../setup/patient-record";

export const EXTRA_PATIENTS = 200;
export const EXTRA_THERAPISTS = 8;

export interface BenchClinic {
  patients: string[];
  therapists: string[];
  sessionId: string;
  recordPatientId: string;
}

export async function seedBenchClinic(where: { url: string } | { pgliteDir: string }, authSecret: string): Promise<BenchClinic> {
  const database = openDatabase(where);
  await migrateToLatest(database.db);
  const env = parseEnv({ APP_ENV: "test", PUBLIC_URL: "http://clinic.test", AUTH_SECRET: authSecret, LOG_LEVEL: "silent", SMTP_URL: "" });
  const services = createServices({ env, database, logger: createLogger("silent") });
  try {
    await seedDemo(services);
    const record = await seedPatientRecord(services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "BENCH", diaryEntries: 10, snapshots: 3 });
    const ctx = await services.auth.$context;
    const hash = await ctx.password.hash(DEMO_PASSWORD);
    const totpSecret = await symmetricEncrypt({ key: ctx.secretConfig, data: DEMO_TOTP_SECRET });
    const noBackupCodes = await symmetricEncrypt({ key: ctx.secretConfig, data: "[]" });
    const now = new Date();
    const therapists = ["therapist1@demo.clinic", "therapist2@demo.clinic"];
    const patients = ["patient1@demo.clinic", "patient2@demo.clinic", "patient3@demo.clinic"];
    await services.db.transaction().execute(async (trx) => {
      const therapistIds = [];
      for (const email of therapists) therapistIds.push((await trx.selectFrom("user").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id);
      for (let i = 0; i < EXTRA_THERAPISTS; i++) {
        const email = `bench-therapist${i}@demo.clinic`;
        const userId = await insertCredentialUser(trx, { name: `Bench Therapist ${i}`, email, role: "therapist", timeZone: "Pacific/Auckland", passwordHash: hash, now });
        await trx.insertInto("twoFactor").values({ id: randomUUID(), userId, secret: totpSecret, backupCodes: noBackupCodes, verified: true }).execute();
        await trx.updateTable("user").set({ twoFactorEnabled: true }).where("id", "=", userId).execute();
        therapists.push(email);
        therapistIds.push(userId);
      }
      for (let i = 0; i < EXTRA_PATIENTS; i++) {
        const email = `bench-patient${i}@demo.clinic`;
        const patientId = await insertCredentialUser(trx, { name: `Bench Patient ${i}`, email, role: "patient", timeZone: "Pacific/Auckland", passwordHash: hash, now });
        const startsAt = new Date(now.getTime() - (i + 30) * 86_400_000);
        await trx
          .insertInto("clinicalSession")
          .values({ kind: "consultation", therapistId: therapistIds[i % therapistIds.length]!, patientId, programId: null, sequence: null, startsAt, endsAt: new Date(startsAt.getTime() + 40 * 60_000), status: "completed", cancelledAt: null, cancelReason: null, createdBy: null, updatedAt: now })
          .execute();
        patients.push(email);
      }
    });
    return { patients, therapists, sessionId: record.sessionIds[0]!, recordPatientId: record.patientId };
  } finally {
    await services.mailer.close();
    await database.close();
  }
}
