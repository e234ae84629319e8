/**
 * The one place that decides what a patient should do next, from everything known about their journey:
 * questionnaire, eligibility, consultation, its outcome, the program and an open proposal of dates. The
 * home page's "Your next step" and the patient's navigation both read it, so they never disagree.
 */
import type { ProgramStatus } from "./program-state";

export interface PatientJourneyFacts {
  hasIntake: boolean;
  eligibility: "eligible" | "not_yet" | "not_for_online" | null;
  /** A consultation booked and not yet over, as the patient reads its time. */
  consultationAt: string | null;
  /** The latest consultation outcome when it was not enrolment (and no consultation was booked since). */
  outcome: "not_suitable" | "clinic_visit" | null;
  program: { status: ProgramStatus; hasOpenPlan: boolean; hasScheduledSessions: boolean; step: string } | null;
}

export type PatientStepKind =
  | "fill_intake"
  | "book_consultation"
  | "join_consultation"
  | "not_suitable"
  | "clinic_visit"
  | "review_dates"
  | "wait_for_dates"
  | "follow_program"
  | "finished";

export interface PatientStep {
  kind: PatientStepKind;
  text: string;
  link: { to: string; label: string } | null;
}

export const PLAN_PAGE = "/patient/plan";

const NOT_SUITABLE_TEXT = "Your specialist concluded that the online program is not suitable for you. Read their explanation below, and contact the clinic with any question.";
const CLINIC_VISIT_TEXT = "Your specialist recommends a visit to the clinic. Contact the clinic to arrange it.";

export function patientNextStep(facts: PatientJourneyFacts): PatientStep {
  const { program } = facts;
  // An enrolled patient follows their program, whatever the questionnaire says (some were enrolled before it existed).
  if (program) {
    if (program.hasOpenPlan) {
      return { kind: "review_dates", text: program.step, link: { to: PLAN_PAGE, label: "Review the proposed dates" } };
    }
    switch (program.status) {
      case "not_suitable":
        return { kind: "not_suitable", text: NOT_SUITABLE_TEXT, link: null };
      case "clinic_visit_planned":
        return { kind: "clinic_visit", text: CLINIC_VISIT_TEXT, link: null };
      case "finished":
      case "cancelled":
        return { kind: "finished", text: program.step, link: program.hasScheduledSessions ? { to: PLAN_PAGE, label: "See my sessions" } : null };
      case "consultation_booked":
      case "consultation_done":
      case "awaiting_plan":
        return { kind: "wait_for_dates", text: program.step, link: null };
      default:
        return { kind: "follow_program", text: program.step, link: { to: PLAN_PAGE, label: "See my session dates" } };
    }
  }
  if (facts.consultationAt) {
    return { kind: "join_consultation", text: `Join your video consultation on ${facts.consultationAt}.`, link: { to: "/patient/book", label: "See, move or cancel it" } };
  }
  if (facts.outcome === "not_suitable") return { kind: "not_suitable", text: NOT_SUITABLE_TEXT, link: null };
  if (facts.outcome === "clinic_visit") return { kind: "clinic_visit", text: CLINIC_VISIT_TEXT, link: null };
  if (!facts.hasIntake) {
    return {
      kind: "fill_intake",
      text: "Tell us about your palsy, then book a 40-minute video consultation with a specialist.",
      link: { to: "/patient/intake", label: "Fill in the questionnaire" },
    };
  }
  if (facts.eligibility === "not_for_online") {
    return {
      kind: "book_consultation",
      text: "The online program is not offered for your situation; a consultation helps find the right care.",
      link: { to: "/patient/book", label: "Book a consultation" },
    };
  }
  return { kind: "book_consultation", text: "Book a 40-minute video consultation with a specialist.", link: { to: "/patient/book", label: "Choose a time" } };
}

/** The patient's menu: the consultation page until they are enrolled, then their session dates. */
export function patientNavigation(step: PatientStepKind): { to: string; label: string }[] {
  const enrolled = step === "review_dates" || step === "wait_for_dates" || step === "follow_program" || step === "finished";
  return [
    { to: "/patient", label: "My program" },
    enrolled ? { to: PLAN_PAGE, label: "Session dates" } : { to: "/patient/book", label: "Consultation" },
    { to: "/patient/invoices", label: "Invoices" },
    { to: "/patient/homework", label: "My homework" },
    { to: "/diary", label: "My diary" },
  ];
}
