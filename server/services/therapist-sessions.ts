import { DateTime } from "luxon";
import { z } from "zod";
import { isExclusionViolation, isUniqueViolation } from "../../db/client";
import { DomainError } from "../domain/domain-error";
import { canBookSupportingSession } from "../domain/journey/program-state";
import { durationLabel, SESSION_KIND_IDS, type SessionKind, sessionKinds } from "../domain/session-kinds";
import { fieldErrorsOf, type FormResult } from "./accounts";
import { auditPatientList } from "./audit";
import type { Actor, AppServices } from "./context";
import { loadAvailability } from "./journey/availability";
import { programState } from "./journey/planning";
import { loadJourneySettings } from "./journey/settings";
import { insertSession } from "./sessions/schedule";

/** The therapist's own patient list (audited: it names the clinic's patients). */
export async function listMyPatients(services: AppServices, actor: Pick<Actor, "userId" | "role" | "ip">) {
  if (actor.role !== "therapist") throw new DomainError("FORBIDDEN", "Only therapists have a patient list.");
  const patients = await patientsOf(services, actor.userId);
  await auditPatientList(services, { actor, action: "patient.list_read", recordType: "patient_list" }, patients.map((p) => p.id));
  return patients;
}

/** Patients a therapist works with: anyone with a session or a program with them. */
async function patientsOf(services: AppServices, therapistId: string) {
  return services.db
    .selectFrom("user as p")
    .select(["p.id", "p.name", "p.timeZone"])
    .where("p.role", "=", "patient")
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("clinicalSession as s").select("s.id").whereRef("s.patientId", "=", "p.id").where("s.therapistId", "=", therapistId)),
        eb.exists(eb.selectFrom("program as g").select("g.id").whereRef("g.patientId", "=", "p.id").where("g.therapistId", "=", therapistId)),
      ]),
    )
    .orderBy("p.name")
    .execute();
}

const scheduleSchema = z.object({
  patientId: z.string().min(1, "Choose a patient"),
  kind: z.enum(SESSION_KIND_IDS, { message: "Choose the kind of session" }),
  startsAtLocal: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Enter a date and a time"),
});

const CLASH = "You or the patient already have a session at this time";
/** Refusals of the shared booking path, said to the therapist on the field they chose. */
const REFUSAL_FIELD: Record<string, [field: string, message: string]> = {
  SLOT_TAKEN: ["startsAtLocal", CLASH],
  PATIENT_BUSY: ["startsAtLocal", CLASH],
  SLOT_OUTSIDE_AVAILABILITY: ["startsAtLocal", "This is outside your working hours or on a day you are away (see Availability)"],
  SLOT_TOO_SOON: ["startsAtLocal", "Choose a time in the future"],
  NEEDS_PROGRAM: ["kind", "This kind of session belongs to a program; the planning desk plans it"],
};

/**
 * A therapist schedules a session for one of their patients directly (supporting sessions after a
 * program, a consultation). It goes through the one booking path: the clinic's length for the kind,
 * both calendars (the therapist may book outside their own published hours), the kind's invoice, the queued e-mail and the reminders. The
 * time is read in the therapist's zone and stored in UTC. Program and conclusion sessions come from the
 * patient's program (an accepted plan, the planning desk), so they are refused here.
 */
export async function scheduleSessionForPatient(
  services: AppServices,
  therapist: { userId: string; role: string; name: string; timeZone: string },
  input: unknown,
): Promise<FormResult<{ sessionId: string }>> {
  if (therapist.role !== "therapist") throw new DomainError("FORBIDDEN", "Only therapists schedule their sessions here.");
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) };
  const { patientId, kind, startsAtLocal } = parsed.data;
  if (!sessionKinds.mayBook(kind, "therapist")) {
    return { ok: false, code: "INVALID_INPUT", fieldErrors: { kind: `${sessionKinds.label(kind)}s come from the patient's program; the planning desk plans them` } };
  }
  const patients = await patientsOf(services, therapist.userId);
  const patient = patients.find((p) => p.id === patientId);
  if (!patient) return { ok: false, code: "INVALID_INPUT", fieldErrors: { patientId: "Choose one of your patients" } };
  const local = DateTime.fromISO(startsAtLocal, { zone: therapist.timeZone });
  if (!local.isValid) return { ok: false, code: "INVALID_INPUT", fieldErrors: { startsAtLocal: "This date and time do not exist in your time zone" } };
  const startsAt = local.toUTC().toJSDate();
  const now = services.now();
  if (startsAt.getTime() < now.getTime()) return { ok: false, code: "INVALID_INPUT", fieldErrors: { startsAtLocal: "Choose a time in the future" } };
  const rules = await loadAvailability(services.db, therapist.userId);
  if (!rules) return { ok: false, code: "INVALID_INPUT", fieldErrors: { startsAtLocal: "Set your working hours first (Availability)" } };
  // A supporting session follows the patient's program with this therapist: it is refused while that
  // program runs (its sessions are planned and paid per block) and belongs to it once it has finished.
  const program = kind === "supporting" ? await latestProgram(services, patientId, therapist.userId) : undefined;
  if (program && !canBookSupportingSession(programState(program))) {
    return { ok: false, code: "INVALID_INPUT", fieldErrors: { kind: "Supporting sessions are booked once the patient's program has finished; the planning desk plans the sessions of a running program" } };
  }
  const settings = await loadJourneySettings(services.db);
  try {
    const session = await services.db.transaction().execute((trx) =>
      insertSession(
        trx,
        settings,
        {
          kind,
          therapistId: therapist.userId,
          patientId,
          programId: program?.id ?? null,
          startsAt,
          createdBy: therapist.userId,
          // The therapist decides their own time: their published hours govern what patients and the desk
          // book, so here only both calendars are checked (a session at night is their call, not a refusal).
          availability: { rules, minNoticeMinutes: 0, patientBusyMessage: CLASH, outsideHoursAllowed: true },
          mail: true,
        },
        now,
      ),
    );
    return { ok: true, value: { sessionId: session.id } };
  } catch (error) {
    if (isExclusionViolation(error)) return { ok: false, code: "SLOT_TAKEN", fieldErrors: { startsAtLocal: CLASH } };
    if (isUniqueViolation(error)) return { ok: false, code: "CONSULTATION_ALREADY_BOOKED", fieldErrors: { kind: "The patient already has a consultation booked" } };
    if (error instanceof DomainError && REFUSAL_FIELD[error.code]) {
      const [field, message] = REFUSAL_FIELD[error.code];
      return { ok: false, code: error.code, fieldErrors: { [field]: message } };
    }
    throw error;
  }
}

/** The kinds a therapist books here, each with its length from the clinic's settings: the form's options. */
export async function kindsTherapistsBook(services: AppServices): Promise<{ kind: SessionKind; label: string }[]> {
  const settings = await loadJourneySettings(services.db);
  return sessionKinds.bookableBy("therapist").map((kind) => ({ kind, label: `${sessionKinds.label(kind)} (${durationLabel(sessionKinds.minutes(kind, settings))})` }));
}

async function latestProgram(services: AppServices, patientId: string, therapistId: string) {
  return services.db
    .selectFrom("program")
    .selectAll()
    .where("patientId", "=", patientId)
    .where("therapistId", "=", therapistId)
    .orderBy("updatedAt", "desc")
    .limit(1)
    .executeTakeFirst();
}
