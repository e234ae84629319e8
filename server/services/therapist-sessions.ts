import { DateTime } from "luxon";
import { z } from "zod";
import { isExclusionViolation } from "../../db/client";
import { buildCalendar, calendarAttachment } from "../calendar/ics";
import { SESSION_MINUTES } from "../domain/call-window";
import { DomainError } from "../domain/domain-error";
import { sessionBookedEmail } from "../mail/journey-templates";
import { fieldErrorsOf, type FormResult } from "./accounts";
import { auditPatientList } from "./audit";
import type { Actor, AppServices } from "./context";
import { loadJourneySettings } from "./journey/settings";

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
  kind: z.enum(["consultation", "program", "conclusion", "supporting"], { message: "Choose the kind of session" }),
  startsAtLocal: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Enter a date and a time"),
});

/**
 * A therapist schedules a session for one of their patients (the planning desk does this for program
 * sessions; this is the direct path, e.g. for supporting sessions). The time is read in the
 * therapist's zone and stored in UTC; the database refuses an overlap with another of their sessions.
 */
export async function scheduleSessionForPatient(
  services: AppServices,
  therapist: { userId: string; role: string; name: string; timeZone: string },
  input: unknown,
): Promise<FormResult<{ sessionId: string }>> {
  if (therapist.role !== "therapist") throw new DomainError("FORBIDDEN", "Only therapists schedule their sessions here.");
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, status: 422, fieldErrors: fieldErrorsOf(parsed.error) };
  const { patientId, kind, startsAtLocal } = parsed.data;
  const patients = await patientsOf(services, therapist.userId);
  const patient = patients.find((p) => p.id === patientId);
  if (!patient) return { ok: false, status: 422, fieldErrors: { patientId: "Choose one of your patients" } };
  const local = DateTime.fromISO(startsAtLocal, { zone: therapist.timeZone });
  if (!local.isValid) return { ok: false, status: 422, fieldErrors: { startsAtLocal: "This date and time do not exist in your time zone" } };
  const startsAt = local.toUTC().toJSDate();
  if (startsAt.getTime() < services.now().getTime() - 5 * 60_000) return { ok: false, status: 422, fieldErrors: { startsAtLocal: "Choose a time in the future" } };
  const endsAt = new Date(startsAt.getTime() + SESSION_MINUTES[kind] * 60_000);
  // A supporting session belongs to the patient's finished program with this therapist (if any), and is
  // invoiced on its own at the supporting-session price.
  const settings = kind === "supporting" ? await loadJourneySettings(services.db) : null;
  const finished =
    kind === "supporting"
      ? await services.db
          .selectFrom("program")
          .select("id")
          .where("patientId", "=", patientId)
          .where("therapistId", "=", therapist.userId)
          .where("status", "=", "finished")
          .orderBy("updatedAt", "desc")
          .limit(1)
          .executeTakeFirst()
      : undefined;
  let sessionId: string;
  try {
    sessionId = await services.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("clinicalSession")
        .values({ kind, therapistId: therapist.userId, patientId, programId: finished?.id ?? null, sequence: null, startsAt, endsAt, cancelledAt: null, cancelReason: null, createdBy: therapist.userId, updatedAt: services.now() })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (settings) {
        await trx
          .insertInto("invoice")
          .values({ patientId, kind: "supporting", sessionId: row.id, programId: null, block: null, amountCents: settings.supportingSessionPriceCents, currency: settings.currency, dueAt: startsAt })
          .execute();
      }
      return row.id;
    });
  } catch (error) {
    if (isExclusionViolation(error)) return { ok: false, status: 409, fieldErrors: { startsAtLocal: "You or the patient already have a session at this time" } };
    throw error;
  }
  const recipient = await services.db.selectFrom("user").select(["email", "name", "timeZone"]).where("id", "=", patientId).executeTakeFirstOrThrow();
  const url = `${services.env.PUBLIC_URL}/sessions/${sessionId}`;
  const mail = sessionBookedEmail({ recipientName: recipient.name, recipientTimeZone: recipient.timeZone, counterpartName: therapist.name, kind, startsAt, endsAt, url });
  const ics = buildCalendar([{ id: sessionId, start: startsAt, end: endsAt, title: `Session with ${therapist.name}`, url, sequence: 0 }], { method: "REQUEST" });
  await services.mailer.send({ to: recipient.email, ...mail, attachments: [calendarAttachment(ics, "REQUEST")] });
  return { ok: true, value: { sessionId } };
}
