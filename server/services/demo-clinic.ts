import { randomUUID } from "node:crypto";
import { symmetricEncrypt } from "better-auth/crypto";
import type { Role } from "../../db/schema";
import type { AppServices } from "./context";
import { insertCredentialUser } from "./credential-users";
import { seedDemoCatalogue } from "./homework/catalogue";
import { loadJourneySettings } from "./journey/settings";
import { insertSession } from "./sessions/schedule";
import { requiresTwoFactor } from "./two-factor";

export const DEMO_PASSWORD = "demo-clinic-2026";
/**
 * The demo staff's authenticator secret (staff must use two-step sign-in). Demo data is never
 * seeded in production; a development install shows the current code on the code page.
 */
export const DEMO_TOTP_SECRET = "demo-clinic-two-step-secret-2026";

/** The current 6-digit code for the demo staff accounts. */
export async function demoStaffCode(services: Pick<AppServices, "auth">): Promise<string> {
  return (await services.auth.api.generateTOTP({ body: { secret: DEMO_TOTP_SECRET } })).code;
}

export const DEMO_USERS: { name: string; email: string; role: Role; timeZone: string }[] = [
  { name: "Ada Admin", email: "admin@demo.clinic", role: "admin", timeZone: "Europe/Sofia" },
  { name: "Petra Planner", email: "planner@demo.clinic", role: "planner", timeZone: "Europe/Sofia" },
  { name: "Dr. Teodora Ivanova", email: "therapist1@demo.clinic", role: "therapist", timeZone: "Europe/Sofia" },
  { name: "Dr. Martin Keller", email: "therapist2@demo.clinic", role: "therapist", timeZone: "Europe/Berlin" },
  { name: "Paula Patient", email: "patient1@demo.clinic", role: "patient", timeZone: "Europe/London" },
  { name: "Hemi Walker", email: "patient2@demo.clinic", role: "patient", timeZone: "Pacific/Auckland" },
  { name: "Rosa Martín", email: "patient3@demo.clinic", role: "patient", timeZone: "America/New_York" },
];

/** Creates the demo clinic when the database has no user yet; returns the logins to print. */
export async function seedDemoIfEmpty(services: AppServices): Promise<{ password: string; users: typeof DEMO_USERS } | null> {
  const any = await services.db.selectFrom("user").select("id").limit(1).executeTakeFirst();
  if (any) return null;
  await seedDemo(services);
  return { password: DEMO_PASSWORD, users: DEMO_USERS };
}

/** Which demo patients had their consultation with which demo therapist (so each has patients). */
const DEMO_CARE: [therapistEmail: string, patientEmail: string][] = [
  ["therapist1@demo.clinic", "patient1@demo.clinic"],
  ["therapist1@demo.clinic", "patient2@demo.clinic"],
  ["therapist2@demo.clinic", "patient3@demo.clinic"],
];

const DEMO_WORKING_DAYS = [1, 2, 3, 4, 5];

export async function seedDemo(services: AppServices): Promise<void> {
  await seedDemoCatalogue(services);
  const ctx = await services.auth.$context;
  const hash = await ctx.password.hash(DEMO_PASSWORD);
  const totpSecret = await symmetricEncrypt({ key: ctx.secretConfig, data: DEMO_TOTP_SECRET });
  const noBackupCodes = await symmetricEncrypt({ key: ctx.secretConfig, data: "[]" });
  const now = services.now();
  await services.db.transaction().execute(async (trx) => {
    for (const demo of DEMO_USERS) {
      const exists = await trx.selectFrom("user").select("id").where("email", "=", demo.email).executeTakeFirst();
      if (exists) continue;
      const userId = await insertCredentialUser(trx, { name: demo.name, email: demo.email, role: demo.role, timeZone: demo.timeZone, passwordHash: hash, now });
      if (requiresTwoFactor(demo.role)) {
        await trx.insertInto("twoFactor").values({ id: randomUUID(), userId, secret: totpSecret, backupCodes: noBackupCodes, verified: true }).execute();
        await trx.updateTable("user").set({ twoFactorEnabled: true }).where("id", "=", userId).execute();
      }
    }
    // Every therapist works Monday–Friday 09:00–17:00 in their own zone and offers consultations, so a
    // fresh install can book at once (the therapist or the planning desk changes it at /therapist/availability).
    for (const demo of DEMO_USERS.filter((u) => u.role === "therapist")) {
      const therapist = await trx.selectFrom("user").select("id").where("email", "=", demo.email).executeTakeFirstOrThrow();
      const hasHours = await trx.selectFrom("therapistSchedule").select("therapistId").where("therapistId", "=", therapist.id).executeTakeFirst();
      if (hasHours) continue;
      await trx.insertInto("therapistSchedule").values({ therapistId: therapist.id, timeZone: demo.timeZone, offersConsultations: true, updatedBy: null, updatedAt: now }).execute();
      await trx
        .insertInto("availabilityWeekly")
        .values(DEMO_WORKING_DAYS.map((weekday) => ({ therapistId: therapist.id, weekday, startTime: "09:00", endTime: "17:00" })))
        .execute();
    }
    const settings = await loadJourneySettings(trx);
    let dayOffset = 20;
    for (const [therapistEmail, patientEmail] of DEMO_CARE) {
      const therapist = await trx.selectFrom("user").select("id").where("email", "=", therapistEmail).executeTakeFirstOrThrow();
      const patient = await trx.selectFrom("user").select("id").where("email", "=", patientEmail).executeTakeFirstOrThrow();
      const known = await trx.selectFrom("clinicalSession").select("id").where("therapistId", "=", therapist.id).where("patientId", "=", patient.id).executeTakeFirst();
      if (known) continue;
      const startsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - dayOffset++, 9, 0));
      // A held consultation in the past: no invoice, no e-mail, no reminders.
      await insertSession(trx, settings, { kind: "consultation", therapistId: therapist.id, patientId: patient.id, startsAt, status: "completed", createdBy: null, mail: false }, now);
    }
  });
}
