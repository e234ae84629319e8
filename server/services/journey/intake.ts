/**
 * The intake form and the eligibility it leads to. Validation is the pure `validateIntake` (every field
 * error at once, "today" on the patient's own calendar); nothing is stored unless all fields pass.
 */
import type { IsoDate } from "../../domain/journey/calendar-date";
import type { FieldError } from "../../domain/domain-error";
import { assessEligibility, type Eligibility, type Intake, validateIntake } from "../../domain/journey/eligibility";
import type { TimeOfDay } from "../../domain/journey/session-intervals";
import { isValidTimeZone, todayIn } from "../../domain/journey/zoned-time";
import { jsonb } from "../../jobs/queue";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import { assertCanSeePatient, forbidden, fromFieldErrors, type JourneyResult, loadUser, ok, type Queryable } from "./common";
import { eligibilitySettingsOf, loadJourneySettings } from "./settings";

export interface StoredIntake extends Intake {
  patientId: string;
  preferredTimeOfDay: TimeOfDay | null;
  updatedAt: Date;
}

const TIMES_OF_DAY = ["morning", "afternoon", "evening"] as const;

/**
 * The patient saves (or corrects) their own intake. Also sets the account's time zone to the one
 * chosen here, so every screen and e-mail uses it. Returns the eligibility so the page can explain it.
 */
export async function saveIntake(
  services: AppServices,
  actor: Actor,
  input: unknown,
): Promise<JourneyResult<{ intake: StoredIntake; eligibility: Eligibility }>> {
  if (actor.role !== "patient") forbidden("Only a patient fills in their intake");
  const raw = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const user = await loadUser(services.db, actor.userId);
  // "Today" as the patient sees it: an onset entered today in Auckland is not in the future in UTC.
  const zone = typeof raw.timeZone === "string" && isValidTimeZone(raw.timeZone) ? raw.timeZone : user.timeZone;
  const today = todayIn(zone, services.now());
  const validation = validateIntake(raw, today);
  const extraErrors: FieldError[] = [];
  const preferred = raw.preferredTimeOfDay === undefined || raw.preferredTimeOfDay === null || raw.preferredTimeOfDay === "" ? null : raw.preferredTimeOfDay;
  if (preferred !== null && !(TIMES_OF_DAY as readonly unknown[]).includes(preferred)) {
    extraErrors.push({ field: "preferredTimeOfDay", code: "INVALID_OPTION", message: "Choose morning, afternoon or evening" });
  }
  if (!validation.ok || extraErrors.length > 0) {
    return fromFieldErrors([...(validation.ok ? [] : validation.errors), ...extraErrors]);
  }
  const intake = validation.intake;
  const settings = await loadJourneySettings(services.db);
  const eligibility = assessEligibility(intake, today, eligibilitySettingsOf(settings));
  const now = services.now();
  const row = {
    condition: intake.condition,
    specialCauses: jsonb(intake.specialCauses),
    affectedSide: intake.affectedSide,
    onsetDate: intake.onsetDate,
    country: intake.country,
    timeZone: intake.timeZone,
    concerns: jsonb(intake.concerns),
    freeText: intake.freeText,
    preferredTimeOfDay: preferred as TimeOfDay | null,
    updatedAt: now,
  };
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("patientIntake")
      .values({ patientId: actor.userId, ...row })
      .onConflict((oc) => oc.column("patientId").doUpdateSet(row))
      .execute();
    await trx.updateTable("user").set({ timeZone: intake.timeZone, updatedAt: now }).where("id", "=", actor.userId).execute();
    await audit(services, { actor, action: "intake.updated", recordType: "patient_intake", recordId: actor.userId, patientId: actor.userId }, trx);
  });
  return ok({ intake: { ...intake, patientId: actor.userId, preferredTimeOfDay: preferred as TimeOfDay | null, updatedAt: now }, eligibility });
}

export async function findIntake(db: Queryable, patientId: string): Promise<StoredIntake | null> {
  const row = await db.selectFrom("patientIntake").selectAll().where("patientId", "=", patientId).executeTakeFirst();
  if (!row) return null;
  return {
    patientId: row.patientId,
    condition: row.condition as Intake["condition"],
    specialCauses: row.specialCauses as Intake["specialCauses"],
    affectedSide: row.affectedSide as Intake["affectedSide"],
    onsetDate: row.onsetDate as IsoDate,
    country: row.country,
    timeZone: row.timeZone,
    concerns: row.concerns as Intake["concerns"],
    freeText: row.freeText,
    preferredTimeOfDay: row.preferredTimeOfDay as TimeOfDay | null,
    updatedAt: row.updatedAt,
  };
}

/** The intake is clinical: the patient and their therapist read it; planners do not need it. */
export async function getIntake(services: AppServices, actor: Actor, patientId = actor.userId): Promise<StoredIntake | null> {
  if (actor.role === "planner") forbidden("The intake is part of the clinical record");
  await assertCanSeePatient(services.db, actor, patientId);
  const intake = await findIntake(services.db, patientId);
  // The intake is keyed by its patient: the record id is the patient's id.
  if (intake) await audit(services, { actor, action: "intake.read", recordType: "patient_intake", recordId: patientId, patientId });
  return intake;
}

/** Null until the intake is filled in. Planners may see the outcome (not the intake) to direct bookings. */
export async function getEligibility(services: AppServices, actor: Actor, patientId = actor.userId): Promise<Eligibility | null> {
  await assertCanSeePatient(services.db, actor, patientId);
  const intake = await findIntake(services.db, patientId);
  if (!intake) return null;
  const settings = await loadJourneySettings(services.db);
  return assessEligibility(intake, todayIn(intake.timeZone, services.now()), eligibilitySettingsOf(settings));
}
