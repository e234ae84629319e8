/**
 * The one state machine for a patient's program, from the booked consultation to the end.
 *
 *   consultation_booked ─completed→ consultation_done ─outcome→ awaiting_plan | not_suitable | clinic_visit_planned
 *   awaiting_plan ─plan_sent→ plan_proposed ─plan_accepted→ <track>_in_progress   (─change_requested→ awaiting_plan)
 *   module1_in_progress ─6th session→ conclusion_due ─scheduled→ conclusion_planned ─completed→ decision_pending
 *   decision_pending ─module2 | extend3 | extend6→ awaiting_plan (new track) ─…→ <track>_in_progress ─last session→ finished
 *                    ─clinic_visit→ clinic_visit_planned,  ─finish→ finished
 *   any non-final state ─cancel→ cancelled;  finished ─supporting_session_completed→ finished
 *
 * Planning is the same for every track (module 1, module 2, extension): the planner proposes dates, the
 * patient accepts or asks for changes. So there is one awaiting_plan / plan_proposed pair and the state
 * remembers which track is being planned, instead of three copies of both.
 */
import { DomainError } from "../domain-error";

export const PROGRAM_STATUSES = [
  "consultation_booked",
  "consultation_done",
  "awaiting_plan",
  "plan_proposed",
  "module1_in_progress",
  "conclusion_due",
  "conclusion_planned",
  "decision_pending",
  "module2_in_progress",
  "extension_in_progress",
  "clinic_visit_planned",
  "finished",
  "not_suitable",
  "cancelled",
] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

export const FINAL_STATUSES: readonly ProgramStatus[] = ["clinic_visit_planned", "finished", "not_suitable", "cancelled"];

export type Track = "module1" | "module2" | "extension";

export interface ProgramState {
  status: ProgramStatus;
  /** The part of the program being planned or run (module1 until a decision says otherwise). */
  track: Track;
  /** Paid program sessions held so far; the complimentary conclusion and supporting sessions do not count. */
  sessionsCompleted: number;
  /** 6 for module 1; 9 or 12 after an extension or module 2. */
  sessionsTotal: number;
  supportingSessionsCompleted: number;
}

export type ConsultationOutcome = "enrol" | "not_suitable" | "clinic_visit";
export type ProgramDecision = "module2" | "extend3" | "extend6" | "clinic_visit" | "finish";

/** The choices after the conclusion session, as the therapist reads them. */
export const DECISION_LABEL: Record<ProgramDecision, string> = {
  module2: "Continue with module 2 (6 sessions)",
  extend3: "Extend by 3 sessions",
  extend6: "Extend by 6 sessions",
  clinic_visit: "Continue with a clinic visit",
  finish: "Finish the program",
};

export type ProgramEvent =
  | { type: "consultation_completed" }
  | { type: "consultation_outcome"; outcome: ConsultationOutcome }
  | { type: "plan_sent" }
  | { type: "plan_accepted" }
  | { type: "change_requested" }
  | { type: "session_completed"; sessionNumber: number }
  | { type: "conclusion_scheduled" }
  | { type: "conclusion_completed" }
  | { type: "decision"; decision: ProgramDecision }
  | { type: "supporting_session_completed" }
  | { type: "cancel" };
export type ProgramEventType = ProgramEvent["type"];

export const PROGRAM_EVENT_TYPES: readonly ProgramEventType[] = [
  "consultation_completed",
  "consultation_outcome",
  "plan_sent",
  "plan_accepted",
  "change_requested",
  "session_completed",
  "conclusion_scheduled",
  "conclusion_completed",
  "decision",
  "supporting_session_completed",
  "cancel",
];

export interface ProgramSettings {
  module1Sessions: number;
  module2Sessions: number;
  shortExtensionSessions: number;
  longExtensionSessions: number;
}

export const DEFAULT_PROGRAM_SETTINGS: ProgramSettings = {
  module1Sessions: 6,
  module2Sessions: 6,
  shortExtensionSessions: 3,
  longExtensionSessions: 6,
};

/** Which events each status accepts; the UI can use it to decide which actions to offer. */
export const ALLOWED_EVENTS: Readonly<Record<ProgramStatus, readonly ProgramEventType[]>> = {
  consultation_booked: ["consultation_completed", "cancel"],
  consultation_done: ["consultation_outcome", "cancel"],
  awaiting_plan: ["plan_sent", "cancel"],
  // plan_sent again = the planner revises the dates before the patient answered.
  plan_proposed: ["plan_sent", "plan_accepted", "change_requested", "cancel"],
  module1_in_progress: ["session_completed", "cancel"],
  conclusion_due: ["conclusion_scheduled", "cancel"],
  // conclusion_scheduled again = rescheduled.
  conclusion_planned: ["conclusion_scheduled", "conclusion_completed", "cancel"],
  decision_pending: ["decision", "cancel"],
  module2_in_progress: ["session_completed", "cancel"],
  extension_in_progress: ["session_completed", "cancel"],
  clinic_visit_planned: [],
  finished: ["supporting_session_completed"],
  not_suitable: [],
  cancelled: [],
};

export function initialProgramState(): ProgramState {
  return {
    status: "consultation_booked",
    track: "module1",
    sessionsCompleted: 0,
    sessionsTotal: DEFAULT_PROGRAM_SETTINGS.module1Sessions,
    supportingSessionsCompleted: 0,
  };
}

export function canTransition(state: ProgramState, event: ProgramEvent | ProgramEventType): boolean {
  const type = typeof event === "string" ? event : event.type;
  return ALLOWED_EVENTS[state.status].includes(type);
}

export function canBookSupportingSession(state: ProgramState): boolean {
  return state.status === "finished";
}

const IN_PROGRESS: Record<Track, ProgramStatus> = {
  module1: "module1_in_progress",
  module2: "module2_in_progress",
  extension: "extension_in_progress",
};

function refuse(state: ProgramState, event: ProgramEvent): never {
  throw new DomainError("TRANSITION_NOT_ALLOWED", `"${event.type}" is not possible while the program is ${state.status}`, "status");
}

/** The next state, or DomainError("TRANSITION_NOT_ALLOWED"). Never mutates `state`. */
export function transition(
  state: ProgramState,
  event: ProgramEvent,
  settings: ProgramSettings = DEFAULT_PROGRAM_SETTINGS,
): ProgramState {
  if (!canTransition(state, event)) refuse(state, event);

  switch (event.type) {
    case "cancel":
      return { ...state, status: "cancelled" };
    case "consultation_completed":
      return { ...state, status: "consultation_done" };
    case "consultation_outcome":
      switch (event.outcome) {
        case "enrol":
          return { ...state, status: "awaiting_plan", track: "module1", sessionsTotal: settings.module1Sessions };
        case "not_suitable":
          return { ...state, status: "not_suitable" };
        case "clinic_visit":
          return { ...state, status: "clinic_visit_planned" };
      }
      break;
    case "plan_sent":
      return { ...state, status: "plan_proposed" };
    case "change_requested":
      return { ...state, status: "awaiting_plan" };
    case "plan_accepted":
      return { ...state, status: IN_PROGRESS[state.track] };
    case "session_completed": {
      // Guards against the same session being counted twice (a retried request, two tabs).
      if (event.sessionNumber !== state.sessionsCompleted + 1) {
        throw new DomainError(
          "SESSION_OUT_OF_SEQUENCE",
          `Session ${state.sessionsCompleted + 1} is next, not session ${event.sessionNumber}`,
          "sessionNumber",
        );
      }
      const sessionsCompleted = state.sessionsCompleted + 1;
      if (sessionsCompleted < state.sessionsTotal) return { ...state, sessionsCompleted };
      return { ...state, sessionsCompleted, status: state.track === "module1" ? "conclusion_due" : "finished" };
    }
    case "conclusion_scheduled":
      return { ...state, status: "conclusion_planned" };
    case "conclusion_completed":
      return { ...state, status: "decision_pending" };
    case "decision":
      switch (event.decision) {
        case "module2":
          return { ...state, status: "awaiting_plan", track: "module2", sessionsTotal: state.sessionsCompleted + settings.module2Sessions };
        case "extend3":
          return { ...state, status: "awaiting_plan", track: "extension", sessionsTotal: state.sessionsCompleted + settings.shortExtensionSessions };
        case "extend6":
          return { ...state, status: "awaiting_plan", track: "extension", sessionsTotal: state.sessionsCompleted + settings.longExtensionSessions };
        case "clinic_visit":
          return { ...state, status: "clinic_visit_planned" };
        case "finish":
          return { ...state, status: "finished" };
      }
      break;
    case "supporting_session_completed":
      return { ...state, supportingSessionsCompleted: state.supportingSessionsCompleted + 1 };
  }
  // Reached only with an event whose payload is not one of the known values (untyped input).
  return refuse(state, event);
}

export interface NextStepContext {
  /** When the planner's proposal is due, already formatted for the reader (see `planProposalDueAt`). */
  planDueBy?: string;
  /** The next session's start, already formatted in the reader's own zone. */
  nextSessionAt?: string;
  /** Block number whose payment is still open, if any. */
  unpaidBlock?: number;
}

export interface NextStep {
  patient: string;
  therapist: string;
  planner: string;
}

const TRACK_LABEL: Record<Track, string> = { module1: "module 1", module2: "module 2", extension: "the extension" };

/** What each role should do next, in plain words for the dashboards. */
export function nextStep(state: ProgramState, context: NextStepContext = {}): NextStep {
  const due = context.planDueBy ? ` by ${context.planDueBy}` : "";
  const when = context.nextSessionAt ? ` on ${context.nextSessionAt}` : "";
  const next = state.sessionsCompleted + 1;
  const pay = context.unpaidBlock
    ? ` Payment for block ${context.unpaidBlock} is still open; it must be paid before the session can start.`
    : "";
  const track = TRACK_LABEL[state.track];

  switch (state.status) {
    case "consultation_booked":
      return {
        patient: `Join your video consultation${when}.`,
        therapist: `Hold the consultation${when} and record its outcome.`,
        planner: "Nothing to do until the consultation has taken place.",
      };
    case "consultation_done":
      return {
        patient: "Your specialist will let you know whether the online program suits you.",
        therapist: "Record the consultation outcome: enrol, not suitable, or clinic visit.",
        planner: "Nothing to do until the consultation outcome is recorded.",
      };
    case "awaiting_plan":
      return {
        patient: `The planning desk is preparing the dates of your sessions for ${track}.`,
        therapist: `Wait for the planner to propose the dates for ${track}.`,
        planner: `Propose the session dates for ${track}${due}.`,
      };
    case "plan_proposed":
      return {
        patient: `Review the proposed session dates for ${track} and accept them or ask for changes.`,
        therapist: `The dates for ${track} are waiting for the patient's answer.`,
        planner: "Wait for the patient to accept the dates or ask for changes.",
      };
    case "module1_in_progress":
    case "module2_in_progress":
    case "extension_in_progress":
      return {
        patient: `Practise your homework twice a day and join session ${next} of ${state.sessionsTotal}${when}.${pay}`,
        therapist: `Run session ${next} of ${state.sessionsTotal}${when}.`,
        planner: context.unpaidBlock
          ? `Collect payment for block ${context.unpaidBlock} before session ${next}.`
          : `Nothing due; session ${next} of ${state.sessionsTotal} is scheduled${when}.`,
      };
    case "conclusion_due":
      return {
        patient: "Module 1 is complete. The planning desk will offer a free 30-minute conclusion session.",
        therapist: "Module 1 is complete; a conclusion session is being scheduled.",
        planner: "Schedule the complimentary 30-minute conclusion session.",
      };
    case "conclusion_planned":
      return {
        patient: `Join your conclusion session${when} to review your progress.`,
        therapist: `Hold the conclusion session${when} and agree the next step with the patient.`,
        planner: "Nothing to do until the conclusion session has taken place.",
      };
    case "decision_pending":
      return {
        patient: "Decide with your therapist whether to continue with module 2, extend the program, or finish.",
        therapist: "Record the decision: module 2, 3 or 6 more sessions, clinic visit, or finish.",
        planner: "Nothing to do until the decision is recorded.",
      };
    case "clinic_visit_planned":
      return {
        patient: "Your next step is a visit to the clinic; the clinic will contact you to arrange it.",
        therapist: "The patient continues with a clinic visit.",
        planner: "Arrange the clinic visit with the patient.",
      };
    case "finished":
      return {
        patient: "Keep practising on your own. Whenever you would like a supporting session, ask your therapist or the clinic to book one.",
        therapist: "Program finished. The patient may book supporting sessions.",
        planner: "Nothing to do unless the patient books a supporting session.",
      };
    case "not_suitable":
      return {
        patient: "The online program is not suitable for you; your specialist has explained why and what to do instead.",
        therapist: "No further steps in the online program.",
        planner: "No further steps.",
      };
    case "cancelled":
      return {
        patient: "Your program has been cancelled. Contact the clinic if you would like to resume.",
        therapist: "Program cancelled.",
        planner: "Program cancelled; settle any open payments or refunds.",
      };
  }
}

/**
 * What was agreed at the conclusion session, read back from the state (so it needs no copy of its own):
 * the track after module 1 tells module 2 or the extension's length; a program closed after a held
 * conclusion was finished or sent to the clinic. Null while nothing has been decided.
 */
export function agreedDecision(state: ProgramState, conclusionHeld: boolean, settings: ProgramSettings = DEFAULT_PROGRAM_SETTINGS): ProgramDecision | null {
  if (state.track === "module2") return "module2";
  if (state.track === "extension") return state.sessionsTotal - settings.module1Sessions === settings.shortExtensionSessions ? "extend3" : "extend6";
  if (!conclusionHeld) return null;
  if (state.status === "finished") return "finish";
  if (state.status === "clinic_visit_planned") return "clinic_visit";
  return null;
}
