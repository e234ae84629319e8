import { describe, expect, it } from "vitest";
import { type PatientJourneyFacts, patientNavigation, patientNextStep, type PatientStepKind } from "./patient-next-step";
import { PROGRAM_STATUSES, type ProgramStatus } from "./program-state";

const nothing: PatientJourneyFacts = { hasIntake: false, eligibility: null, consultationAt: null, outcome: null, program: null };
const program = (status: ProgramStatus, extra: Partial<NonNullable<PatientJourneyFacts["program"]>> = {}) => ({
  status,
  hasOpenPlan: false,
  hasScheduledSessions: true,
  step: `step for ${status}`,
  ...extra,
});

describe("the patient's next step before a program", () => {
  it("a new patient fills in the questionnaire first", () => {
    expect(patientNextStep(nothing)).toMatchObject({ kind: "fill_intake", link: { to: "/patient/intake" } });
  });

  it.each(["eligible", "not_yet"] as const)("with an intake (%s) the patient books a consultation", (eligibility) => {
    expect(patientNextStep({ ...nothing, hasIntake: true, eligibility })).toMatchObject({ kind: "book_consultation", link: { to: "/patient/book", label: "Choose a time" } });
  });

  it("not for online: a consultation is still offered, with the reason in the words", () => {
    const step = patientNextStep({ ...nothing, hasIntake: true, eligibility: "not_for_online" });
    expect(step.kind).toBe("book_consultation");
    expect(step.text).toContain("not offered");
  });

  it("a booked consultation is joined, with its time", () => {
    const step = patientNextStep({ ...nothing, hasIntake: true, eligibility: "eligible", consultationAt: "Mon 2 Mar 2026, 10:00" });
    expect(step).toMatchObject({ kind: "join_consultation", link: { to: "/patient/book" } });
    expect(step.text).toContain("Mon 2 Mar 2026, 10:00");
  });

  it.each([
    ["not_suitable", "not suitable"],
    ["clinic_visit", "visit to the clinic"],
  ] as const)("an outcome of %s is said instead of offering a consultation again", (outcome, words) => {
    const step = patientNextStep({ ...nothing, hasIntake: true, eligibility: "eligible", outcome });
    expect(step.kind).toBe(outcome);
    expect(step.text).toContain(words);
    expect(step.link).toBeNull();
  });

  it("a consultation booked after such an outcome comes first", () => {
    expect(patientNextStep({ ...nothing, hasIntake: true, outcome: "not_suitable", consultationAt: "Tue" }).kind).toBe("join_consultation");
  });
});

describe("the patient's next step in a program", () => {
  const expected: Record<ProgramStatus, PatientStepKind> = {
    consultation_booked: "wait_for_dates",
    consultation_done: "wait_for_dates",
    awaiting_plan: "wait_for_dates",
    plan_proposed: "follow_program",
    module1_in_progress: "follow_program",
    conclusion_due: "follow_program",
    conclusion_planned: "follow_program",
    decision_pending: "follow_program",
    module2_in_progress: "follow_program",
    extension_in_progress: "follow_program",
    clinic_visit_planned: "clinic_visit",
    finished: "finished",
    not_suitable: "not_suitable",
    cancelled: "finished",
  };

  it.each(PROGRAM_STATUSES)("%s without an open proposal", (status) => {
    const step = patientNextStep({ ...nothing, program: program(status) });
    expect(step.kind).toBe(expected[status]);
    if (expected[status] === "follow_program" || expected[status] === "wait_for_dates") expect(step.text).toBe(`step for ${status}`);
  });

  it.each(PROGRAM_STATUSES)("%s with an open proposal: review the dates on the plan page", (status) => {
    expect(patientNextStep({ ...nothing, program: program(status, { hasOpenPlan: true }) })).toMatchObject({
      kind: "review_dates",
      link: { to: "/patient/plan", label: "Review the proposed dates" },
    });
  });

  it("an enrolled patient without a questionnaire is not sent to the questionnaire or to book a consultation", () => {
    const step = patientNextStep({ ...nothing, hasIntake: false, program: program("plan_proposed", { hasOpenPlan: true }) });
    expect(step.kind).toBe("review_dates");
    expect(patientNextStep({ ...nothing, program: program("awaiting_plan") }).kind).toBe("wait_for_dates");
  });

  it("a finished program links to its sessions only when there are some", () => {
    expect(patientNextStep({ ...nothing, program: program("finished") }).link?.to).toBe("/patient/plan");
    expect(patientNextStep({ ...nothing, program: program("finished", { hasScheduledSessions: false }) }).link).toBeNull();
  });
});

describe("the patient's menu", () => {
  it("offers the consultation page before enrolment and the session dates after", () => {
    const before = patientNavigation("book_consultation").map((i) => i.to);
    expect(before).toContain("/patient/book");
    expect(before).not.toContain("/patient/plan");
    for (const kind of ["review_dates", "wait_for_dates", "follow_program", "finished"] as const) {
      const after = patientNavigation(kind).map((i) => i.to);
      expect(after).toContain("/patient/plan");
      expect(after).not.toContain("/patient/book");
    }
    expect(patientNavigation("fill_intake").map((i) => i.to)).toContain("/patient/invoices");
  });
});
