import { describe, expect, it } from "vitest";
import {
  agreedDecision,
  ALLOWED_EVENTS,
  canBookSupportingSession,
  canTransition,
  FINAL_STATUSES,
  initialProgramState,
  nextStep,
  PROGRAM_EVENT_TYPES,
  PROGRAM_STATUSES,
  type ProgramEvent,
  type ProgramEventType,
  type ProgramState,
  type ProgramStatus,
  transition,
} from "./program-state";

const state = (status: ProgramStatus, overrides: Partial<ProgramState> = {}): ProgramState => ({
  status,
  track: "module1",
  sessionsCompleted: 0,
  sessionsTotal: 6,
  supportingSessionsCompleted: 0,
  ...overrides,
});

// A representative, internally consistent state for every status.
const SAMPLE: Record<ProgramStatus, ProgramState> = {
  consultation_booked: state("consultation_booked"),
  consultation_done: state("consultation_done"),
  awaiting_plan: state("awaiting_plan"),
  plan_proposed: state("plan_proposed"),
  module1_in_progress: state("module1_in_progress", { sessionsCompleted: 2 }),
  conclusion_due: state("conclusion_due", { sessionsCompleted: 6 }),
  conclusion_planned: state("conclusion_planned", { sessionsCompleted: 6 }),
  decision_pending: state("decision_pending", { sessionsCompleted: 6 }),
  module2_in_progress: state("module2_in_progress", { track: "module2", sessionsCompleted: 8, sessionsTotal: 12 }),
  extension_in_progress: state("extension_in_progress", { track: "extension", sessionsCompleted: 7, sessionsTotal: 9 }),
  clinic_visit_planned: state("clinic_visit_planned", { sessionsCompleted: 6 }),
  finished: state("finished", { sessionsCompleted: 6 }),
  not_suitable: state("not_suitable"),
  cancelled: state("cancelled"),
};

// One well-formed event of each type, valid for the sample states above where the type is allowed.
const sampleEvent = (type: ProgramEventType, from: ProgramState): ProgramEvent => {
  switch (type) {
    case "consultation_outcome":
      return { type, outcome: "enrol" };
    case "session_completed":
      return { type, sessionNumber: from.sessionsCompleted + 1 };
    case "decision":
      return { type, decision: "module2" };
    default:
      return { type } as ProgramEvent;
  }
};

const ALLOWED_CASES: [string, ProgramState, ProgramEvent, Partial<ProgramState>][] = [
  ["consultation held", SAMPLE.consultation_booked, { type: "consultation_completed" }, { status: "consultation_done" }],
  ["consultation booked → cancel", SAMPLE.consultation_booked, { type: "cancel" }, { status: "cancelled" }],
  ["outcome: enrol", SAMPLE.consultation_done, { type: "consultation_outcome", outcome: "enrol" }, { status: "awaiting_plan", track: "module1", sessionsTotal: 6 }],
  ["outcome: not suitable", SAMPLE.consultation_done, { type: "consultation_outcome", outcome: "not_suitable" }, { status: "not_suitable" }],
  ["outcome: clinic visit", SAMPLE.consultation_done, { type: "consultation_outcome", outcome: "clinic_visit" }, { status: "clinic_visit_planned" }],
  ["consultation done → cancel", SAMPLE.consultation_done, { type: "cancel" }, { status: "cancelled" }],
  ["plan sent", SAMPLE.awaiting_plan, { type: "plan_sent" }, { status: "plan_proposed", track: "module1" }],
  ["awaiting plan → cancel", SAMPLE.awaiting_plan, { type: "cancel" }, { status: "cancelled" }],
  ["plan revised before an answer", SAMPLE.plan_proposed, { type: "plan_sent" }, { status: "plan_proposed" }],
  ["plan accepted (module 1)", SAMPLE.plan_proposed, { type: "plan_accepted" }, { status: "module1_in_progress" }],
  ["plan accepted (module 2)", state("plan_proposed", { track: "module2", sessionsCompleted: 6, sessionsTotal: 12 }), { type: "plan_accepted" }, { status: "module2_in_progress", sessionsCompleted: 6 }],
  ["plan accepted (extension)", state("plan_proposed", { track: "extension", sessionsCompleted: 6, sessionsTotal: 9 }), { type: "plan_accepted" }, { status: "extension_in_progress" }],
  ["change requested", SAMPLE.plan_proposed, { type: "change_requested" }, { status: "awaiting_plan" }],
  ["plan proposed → cancel", SAMPLE.plan_proposed, { type: "cancel" }, { status: "cancelled" }],
  ["module 1 session 3", SAMPLE.module1_in_progress, { type: "session_completed", sessionNumber: 3 }, { status: "module1_in_progress", sessionsCompleted: 3 }],
  ["module 1 session 6 → conclusion due", state("module1_in_progress", { sessionsCompleted: 5 }), { type: "session_completed", sessionNumber: 6 }, { status: "conclusion_due", sessionsCompleted: 6 }],
  ["module 1 → cancel", SAMPLE.module1_in_progress, { type: "cancel" }, { status: "cancelled", sessionsCompleted: 2 }],
  ["conclusion scheduled", SAMPLE.conclusion_due, { type: "conclusion_scheduled" }, { status: "conclusion_planned" }],
  ["conclusion due → cancel", SAMPLE.conclusion_due, { type: "cancel" }, { status: "cancelled" }],
  ["conclusion rescheduled", SAMPLE.conclusion_planned, { type: "conclusion_scheduled" }, { status: "conclusion_planned" }],
  ["conclusion held", SAMPLE.conclusion_planned, { type: "conclusion_completed" }, { status: "decision_pending" }],
  ["conclusion planned → cancel", SAMPLE.conclusion_planned, { type: "cancel" }, { status: "cancelled" }],
  ["decision: module 2 (12 in all)", SAMPLE.decision_pending, { type: "decision", decision: "module2" }, { status: "awaiting_plan", track: "module2", sessionsTotal: 12 }],
  ["decision: 3 more (9 in all)", SAMPLE.decision_pending, { type: "decision", decision: "extend3" }, { status: "awaiting_plan", track: "extension", sessionsTotal: 9 }],
  ["decision: 6 more (12 in all)", SAMPLE.decision_pending, { type: "decision", decision: "extend6" }, { status: "awaiting_plan", track: "extension", sessionsTotal: 12 }],
  ["decision: clinic visit", SAMPLE.decision_pending, { type: "decision", decision: "clinic_visit" }, { status: "clinic_visit_planned" }],
  ["decision: finish", SAMPLE.decision_pending, { type: "decision", decision: "finish" }, { status: "finished", sessionsTotal: 6 }],
  ["decision pending → cancel", SAMPLE.decision_pending, { type: "cancel" }, { status: "cancelled" }],
  ["module 2 session 9", SAMPLE.module2_in_progress, { type: "session_completed", sessionNumber: 9 }, { status: "module2_in_progress", sessionsCompleted: 9 }],
  ["module 2 session 12 → finished", state("module2_in_progress", { track: "module2", sessionsCompleted: 11, sessionsTotal: 12 }), { type: "session_completed", sessionNumber: 12 }, { status: "finished", sessionsCompleted: 12 }],
  ["module 2 → cancel", SAMPLE.module2_in_progress, { type: "cancel" }, { status: "cancelled" }],
  ["extension session 8", SAMPLE.extension_in_progress, { type: "session_completed", sessionNumber: 8 }, { status: "extension_in_progress", sessionsCompleted: 8 }],
  ["extension session 9 of 9 → finished", state("extension_in_progress", { track: "extension", sessionsCompleted: 8, sessionsTotal: 9 }), { type: "session_completed", sessionNumber: 9 }, { status: "finished", sessionsCompleted: 9 }],
  ["extension → cancel", SAMPLE.extension_in_progress, { type: "cancel" }, { status: "cancelled" }],
  ["supporting session after finishing", SAMPLE.finished, { type: "supporting_session_completed" }, { status: "finished", supportingSessionsCompleted: 1 }],
];

describe("transition: every allowed move", () => {
  it.each(ALLOWED_CASES)("%s", (_label, from, event, expected) => {
    const before = structuredClone(from);
    const next = transition(from, event);
    expect(next).toEqual({ ...from, ...expected });
    expect(from).toEqual(before); // never mutated
  });

  it("the table above covers every allowed (status, event) pair and nothing else", () => {
    const allowed = PROGRAM_STATUSES.flatMap((status) => ALLOWED_EVENTS[status].map((type) => `${status}:${type}`));
    const tested = ALLOWED_CASES.map(([, from, event]) => `${from.status}:${event.type}`);
    expect(new Set(tested)).toEqual(new Set(allowed));
  });
});

describe("transition: everything else is refused", () => {
  const refused = PROGRAM_STATUSES.flatMap((status) =>
    PROGRAM_EVENT_TYPES.filter((type) => !ALLOWED_EVENTS[status].includes(type)).map((type) => [status, type] as const),
  );

  it("lists every event type once", () => {
    expect(new Set(PROGRAM_EVENT_TYPES).size).toBe(PROGRAM_EVENT_TYPES.length);
    for (const status of PROGRAM_STATUSES) for (const type of ALLOWED_EVENTS[status]) expect(PROGRAM_EVENT_TYPES).toContain(type);
  });

  it.each(refused)("%s ✗ %s", (status, type) => {
    const from = SAMPLE[status];
    expect(canTransition(from, type)).toBe(false);
    expect(() => transition(from, sampleEvent(type, from))).toThrow(
      expect.objectContaining({ name: "DomainError", code: "TRANSITION_NOT_ALLOWED", field: "status" }),
    );
  });

  it.each(PROGRAM_STATUSES.flatMap((status) => ALLOWED_EVENTS[status].map((type) => [status, type] as const)))(
    "%s ✓ %s",
    (status, type) => {
      const from = SAMPLE[status];
      expect(canTransition(from, type)).toBe(true);
      expect(canTransition(from, sampleEvent(type, from))).toBe(true);
      expect(() => transition(from, sampleEvent(type, from))).not.toThrow();
    },
  );

  it.each<[string, ProgramStatus, ProgramEvent]>([
    ["a session before the plan is accepted", "plan_proposed", { type: "session_completed", sessionNumber: 1 }],
    ["a second decision", "awaiting_plan", { type: "decision", decision: "extend3" }],
    ["a decision before the conclusion", "conclusion_planned", { type: "decision", decision: "finish" }],
    ["cancelling a finished program", "finished", { type: "cancel" }],
    ["cancelling twice", "cancelled", { type: "cancel" }],
    ["anything after not suitable", "not_suitable", { type: "consultation_outcome", outcome: "enrol" }],
    ["a supporting session during the program", "module1_in_progress", { type: "supporting_session_completed" }],
    ["a conclusion during module 2", "module2_in_progress", { type: "conclusion_scheduled" }],
  ])("refuses %s", (_label, status, event) => {
    expect(() => transition(SAMPLE[status], event)).toThrow(expect.objectContaining({ code: "TRANSITION_NOT_ALLOWED" }));
  });

  it("final statuses accept nothing but supporting sessions after finishing", () => {
    for (const status of FINAL_STATUSES) {
      expect(ALLOWED_EVENTS[status]).toEqual(status === "finished" ? ["supporting_session_completed"] : []);
    }
  });

  it("refuses an unknown outcome or decision coming from untyped input", () => {
    expect(() => transition(SAMPLE.consultation_done, { type: "consultation_outcome", outcome: "maybe" } as never)).toThrow(
      expect.objectContaining({ code: "TRANSITION_NOT_ALLOWED" }),
    );
    expect(() => transition(SAMPLE.decision_pending, { type: "decision", decision: "extend4" } as never)).toThrow(
      expect.objectContaining({ code: "TRANSITION_NOT_ALLOWED" }),
    );
  });

  it.each([1, 2, 4, 0])("refuses completing session %i when session 3 is next", (sessionNumber) => {
    expect(() => transition(SAMPLE.module1_in_progress, { type: "session_completed", sessionNumber })).toThrow(
      expect.objectContaining({ code: "SESSION_OUT_OF_SEQUENCE", field: "sessionNumber" }),
    );
  });
});

function run(events: ProgramEvent[], from = initialProgramState()): ProgramState {
  return events.reduce((current, event) => transition(current, event), from);
}
const sessions = (from: number, to: number): ProgramEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ type: "session_completed", sessionNumber: from + i }));
const toConclusion: ProgramEvent[] = [
  { type: "consultation_completed" },
  { type: "consultation_outcome", outcome: "enrol" },
  { type: "plan_sent" },
  { type: "change_requested" },
  { type: "plan_sent" },
  { type: "plan_accepted" },
  ...sessions(1, 6),
  { type: "conclusion_scheduled" },
  { type: "conclusion_completed" },
];
const newPlan: ProgramEvent[] = [{ type: "plan_sent" }, { type: "plan_accepted" }];

describe("whole journeys: 6, 9 or 12 sessions", () => {
  it("6 sessions, then finish and supporting sessions", () => {
    const end = run([...toConclusion, { type: "decision", decision: "finish" }, { type: "supporting_session_completed" }, { type: "supporting_session_completed" }]);
    expect(end).toEqual({ status: "finished", track: "module1", sessionsCompleted: 6, sessionsTotal: 6, supportingSessionsCompleted: 2 });
    expect(canBookSupportingSession(end)).toBe(true);
  });

  it("9 sessions with a 3-session extension", () => {
    const end = run([...toConclusion, { type: "decision", decision: "extend3" }, ...newPlan, ...sessions(7, 9)]);
    expect(end).toMatchObject({ status: "finished", track: "extension", sessionsCompleted: 9, sessionsTotal: 9 });
  });

  it("12 sessions with a 6-session extension", () => {
    const end = run([...toConclusion, { type: "decision", decision: "extend6" }, ...newPlan, ...sessions(7, 12)]);
    expect(end).toMatchObject({ status: "finished", sessionsCompleted: 12, sessionsTotal: 12 });
  });

  it("12 sessions with module 2", () => {
    const middle = run([...toConclusion, { type: "decision", decision: "module2" }, ...newPlan, ...sessions(7, 11)]);
    expect(middle).toMatchObject({ status: "module2_in_progress", sessionsCompleted: 11 });
    expect(canBookSupportingSession(middle)).toBe(false);
    expect(run(sessions(12, 12), middle)).toMatchObject({ status: "finished", sessionsCompleted: 12 });
  });

  it("honours configured module sizes", () => {
    const settings = { module1Sessions: 4, module2Sessions: 5, shortExtensionSessions: 2, longExtensionSessions: 4 };
    let current = initialProgramState();
    for (const event of [
      { type: "consultation_completed" },
      { type: "consultation_outcome", outcome: "enrol" },
      ...newPlan,
      ...sessions(1, 4),
    ] as ProgramEvent[]) {
      current = transition(current, event, settings);
    }
    expect(current).toMatchObject({ status: "conclusion_due", sessionsTotal: 4 });
    current = run([{ type: "conclusion_scheduled" }, { type: "conclusion_completed" }], current);
    expect(transition(current, { type: "decision", decision: "module2" }, settings).sessionsTotal).toBe(9);
    expect(transition(current, { type: "decision", decision: "extend3" }, settings).sessionsTotal).toBe(6);
  });

  it("starts at a booked consultation", () => {
    expect(initialProgramState()).toEqual({
      status: "consultation_booked",
      track: "module1",
      sessionsCompleted: 0,
      sessionsTotal: 6,
      supportingSessionsCompleted: 0,
    });
  });
});

describe("nextStep", () => {
  it.each(PROGRAM_STATUSES)("tells patient, therapist and planner what to do in %s", (status) => {
    const step = nextStep(SAMPLE[status]);
    for (const text of [step.patient, step.therapist, step.planner]) {
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it("uses the context it is given", () => {
    expect(nextStep(SAMPLE.awaiting_plan, { planDueBy: "Fri 6 June" }).planner).toBe("Propose the session dates for module 1 by Fri 6 June.");
    const during = nextStep(SAMPLE.module1_in_progress, { nextSessionAt: "Mon 30 June, 10:00", unpaidBlock: 1 });
    expect(during.patient).toContain("session 3 of 6 on Mon 30 June, 10:00");
    expect(during.patient).toContain("block 1");
    expect(during.planner).toBe("Collect payment for block 1 before session 3.");
    expect(nextStep(SAMPLE.extension_in_progress).therapist).toBe("Run session 8 of 9.");
  });

  it("names the track being planned", () => {
    expect(nextStep(state("plan_proposed", { track: "module2" })).patient).toContain("module 2");
    expect(nextStep(state("awaiting_plan", { track: "extension" })).planner).toContain("the extension");
  });

  it("offers supporting sessions once finished", () => {
    expect(nextStep(SAMPLE.finished).patient).toMatch(/supporting session/);
    expect(nextStep(SAMPLE.conclusion_due).planner).toMatch(/30-minute conclusion/);
  });
});

describe("agreedDecision", () => {
  it("reads each decision back from the state it leads to", () => {
    for (const decision of ["module2", "extend3", "extend6", "clinic_visit", "finish"] as const) {
      const after = run([...toConclusion, { type: "decision", decision }]);
      expect(agreedDecision(after, true)).toBe(decision);
    }
  });

  it("is null before the decision, and for a clinic visit decided at the consultation", () => {
    expect(agreedDecision(run(toConclusion), true)).toBeNull();
    expect(agreedDecision(state("module1_in_progress"), false)).toBeNull();
    expect(agreedDecision(state("clinic_visit_planned"), false)).toBeNull();
  });
});
