/** The patient journey's services: one exported function per operation, each authorising its caller. */
export { type JourneyFailure, type JourneyResult, type ZonedTime } from "./common";
export {
  type ClinicContact,
  clinicContactOf,
  DEFAULT_JOURNEY_SETTINGS,
  describeClinicContact,
  type JourneySettings,
  loadJourneySettings,
  updateJourneySettings,
} from "./settings";
export { getEligibility, getIntake, saveIntake, type StoredIntake } from "./intake";
export { addAvailabilityException, getAvailability, removeAvailabilityException, setWeeklyAvailability, type TherapistAvailability } from "./availability";
export {
  bookConsultation,
  type BookedConsultation,
  cancelConsultation,
  listOpenConsultationSlots,
  type OpenSlot,
  rescheduleConsultation,
  SLOT_TAKEN_MESSAGE,
} from "./consultations";
export {
  type ConsultationAwaitingOutcome,
  consultationsAwaitingOutcome,
  myConsultationOutcome,
  type MyConsultationOutcome,
  recordConsultationOutcome,
  type RecordedOutcome,
} from "./outcome";
export { acceptProposal, plannerQueue, proposeSessionPlan, type QueueEntry, requestProposalChanges, sendProposal } from "./planning";
export { canJoinSession, type InvoiceView, listMyInvoices, listUnpaidInvoices, overrideUnpaidBlock, recordPayment } from "./payments";
export { type PackageToShip, packagesToShip, recordWelcomePackageShipment } from "./packages";
export { mySchedule, plannerCalendar, programOverview, type ProgramOverview, type ScheduleEntry } from "./overview";
export {
  planConclusionSession,
  type PlannedConclusion,
  type ProgramAwaitingDecision,
  programsAwaitingDecision,
  recordProgramDecision,
  type RecordedDecision,
  recordSessionCompleted,
  type SessionCompletion,
  type TherapistProgram,
  therapistPrograms,
} from "./progress";
export { receiveStripeWebhook, startInvoiceCheckout, stripeConfigured } from "./online-payment";
export { myNextStep, type MyNextStep } from "./next-step";
