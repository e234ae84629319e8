/**
 * The patient's next step, read from the database and decided by the pure `patientNextStep`: the home
 * page shows it, the navigation follows it.
 */
import { nextStep as programNextStep } from "../../domain/journey/program-state";
import { type PatientStep, patientNextStep } from "../../domain/journey/patient-next-step";
import { formatWhen } from "../../mail/journey-templates";
import type { Actor, AppServices } from "../context";
import { loadUser, requireRole } from "./common";
import { findIntake, getEligibility } from "./intake";
import { myConsultationOutcome, type MyConsultationOutcome } from "./outcome";
import { programState } from "./planning";

export interface MyNextStep {
  step: PatientStep;
  /** Not suitable or clinic visit, with the specialist's reason and the clinic's contact. */
  outcome: MyConsultationOutcome | null;
}

/** `programStep` replaces the program's plain step text when the caller has a fuller one (with payments). */
export async function myNextStep(services: AppServices, actor: Actor, programStep?: string): Promise<MyNextStep> {
  requireRole(actor, "patient");
  const now = services.now();
  const viewer = await loadUser(services.db, actor.userId);
  const [intake, eligibility, outcome, consultation, program] = await Promise.all([
    // Only whether it exists: not a read of the record itself, so not audited as one.
    findIntake(services.db, actor.userId),
    getEligibility(services, actor),
    myConsultationOutcome(services, actor),
    services.db
      .selectFrom("clinicalSession")
      .select(["startsAt"])
      .where("patientId", "=", actor.userId)
      .where("kind", "=", "consultation")
      .where("status", "=", "scheduled")
      .where("endsAt", ">", now)
      .orderBy("startsAt")
      .executeTakeFirst(),
    services.db.selectFrom("program").selectAll().where("patientId", "=", actor.userId).orderBy("createdAt", "desc").limit(1).executeTakeFirst(),
  ]);
  let programFacts = null;
  if (program) {
    const [openPlan, next] = await Promise.all([
      services.db.selectFrom("sessionPlan").select("id").where("programId", "=", program.id).where("status", "=", "sent").executeTakeFirst(),
      services.db
        .selectFrom("clinicalSession")
        .select("startsAt")
        .where("patientId", "=", actor.userId)
        .where("status", "=", "scheduled")
        .where("endsAt", ">", now)
        .orderBy("startsAt")
        .executeTakeFirst(),
    ]);
    const steps = programNextStep(programState(program), { nextSessionAt: next ? formatWhen(next.startsAt, viewer.timeZone) : undefined });
    programFacts = { status: programState(program).status, hasOpenPlan: Boolean(openPlan), hasScheduledSessions: Boolean(next), step: programStep ?? steps.patient };
  }
  const step = patientNextStep({
    hasIntake: intake !== null,
    eligibility: eligibility?.status ?? null,
    consultationAt: consultation ? formatWhen(consultation.startsAt, viewer.timeZone) : null,
    outcome: outcome?.outcome ?? null,
    program: programFacts,
  });
  return { step, outcome };
}
