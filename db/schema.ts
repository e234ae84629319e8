import type { ColumnType, Generated, Selectable } from "kysely";
import type { CallTables } from "./schema-calls";
import type { DiaryTables } from "./schema-diary";
import type { HomeworkTables } from "./schema-homework";
import type { TrustTables } from "./schema-trust";

/** Timestamps are `timestamptz` in UTC; the drivers hand back `Date`. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

import type { PerSessionBilledKind, SessionKind } from "../server/domain/session-kinds";

export type { Role } from "../server/domain/roles";
import type { Role } from "../server/domain/roles";

// better-auth's core tables. Their field names are better-auth's (camelCase here, snake_case in SQL
// through Kysely's CamelCasePlugin, which better-auth's Kysely adapter supports).
export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  role: Generated<Role>;
  timeZone: Generated<string>;
  twoFactorEnabled: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface SessionTable {
  id: string;
  userId: string;
  token: string;
  expiresAt: Timestamp;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface AccountTable {
  id: string;
  userId: string;
  accountId: string;
  providerId: string;
  accessToken: string | null;
  refreshToken: string | null;
  idToken: string | null;
  accessTokenExpiresAt: Timestamp | null;
  refreshTokenExpiresAt: Timestamp | null;
  scope: string | null;
  password: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface VerificationTable {
  id: string;
  identifier: string;
  value: string;
  expiresAt: Timestamp;
  createdAt: Timestamp | null;
  updatedAt: Timestamp | null;
}

export interface RateLimitTable {
  id: string;
  key: string;
  count: number;
  lastRequest: ColumnType<string, number | bigint | string, number | bigint | string>;
}

export interface StaffInvitationTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  tokenHash: string;
  invitedBy: string;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  createdAt: CreatedAt;
}

export interface OutboxEmailTable {
  id: Generated<string>;
  toAddress: string;
  subject: string;
  text: string;
  html: string | null;
  /** Attachments as sent (calendar invitations), base64; null for older messages. */
  attachments: ColumnType<OutboxAttachment[] | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
}

export interface OutboxAttachment {
  filename: string;
  contentType: string;
  base64: string;
}

// ── Patient journey (migration 0002-journey) ─────────────────────────────────────────────────────
/** jsonb: written as a JSON string (the same on both drivers), read back parsed. */
export type Json<T> = ColumnType<T, string, string>;
/** A calendar date typed by a person, "YYYY-MM-DD" (text, never shifted by a time zone). */
export type IsoDateColumn = string;

export interface ClinicSettingTable {
  key: string;
  value: Json<unknown>;
  updatedBy: string | null;
  updatedAt: Generated<Date>;
}

export interface PatientIntakeTable {
  patientId: string;
  condition: string;
  specialCauses: Json<string[]>;
  affectedSide: string;
  onsetDate: IsoDateColumn;
  country: string;
  timeZone: string;
  concerns: Json<string[]>;
  freeText: string;
  preferredTimeOfDay: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface TherapistScheduleTable {
  therapistId: string;
  timeZone: string;
  offersConsultations: Generated<boolean>;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export interface AvailabilityWeeklyTable {
  id: Generated<string>;
  therapistId: string;
  weekday: number;
  startTime: string;
  endTime: string;
}

export interface AvailabilityExceptionTable {
  id: Generated<string>;
  therapistId: string;
  date: IsoDateColumn;
  kind: "unavailable" | "extra";
  startTime: string | null;
  endTime: string | null;
  note: Generated<string>;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface ProgramTable {
  id: Generated<string>;
  patientId: string;
  therapistId: string;
  status: string;
  track: "module1" | "module2" | "extension";
  sessionsCompleted: Generated<number>;
  sessionsTotal: number;
  supportingSessionsCompleted: Generated<number>;
  enrolledAt: Timestamp;
  planDueAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export type ClinicalSessionKind = SessionKind;
export type ClinicalSessionStatus = "scheduled" | "cancelled" | "completed";

export interface ClinicalSessionTable {
  id: Generated<string>;
  kind: ClinicalSessionKind;
  therapistId: string;
  patientId: string;
  programId: string | null;
  sequence: number | null;
  startsAt: Timestamp;
  endsAt: Timestamp;
  /** When the therapist ended it (null: not ended); from then on its slot is free. */
  endedAt: Timestamp | null;
  status: Generated<ClinicalSessionStatus>;
  icsSequence: Generated<number>;
  cancelledAt: Timestamp | null;
  cancelReason: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface ConsultationOutcomeTable {
  sessionId: string;
  outcome: "enrol" | "not_suitable" | "clinic_visit";
  reason: string;
  programId: string | null;
  recordedBy: string;
  recordedAt: Timestamp;
}

export type SessionPlanStatus = "sent" | "accepted" | "changes_requested" | "superseded";

export interface SessionPlanTable {
  id: Generated<string>;
  programId: string;
  track: string;
  status: SessionPlanStatus;
  proposedBy: string;
  sentAt: Timestamp;
  respondedAt: Timestamp | null;
  patientMessage: string | null;
}

export interface SessionPlanItemTable {
  planId: string;
  position: number;
  sequence: number;
  startsAt: Timestamp;
  endsAt: Timestamp;
  deviationCode: string | null;
  deviationReason: string | null;
}

/** A kind billed per session invoices under its own name; program sessions are paid per block. */
export type InvoiceKind = PerSessionBilledKind | "block";
export type InvoiceStatus = "unpaid" | "paid" | "void";

export interface InvoiceTable {
  id: Generated<string>;
  patientId: string;
  kind: InvoiceKind;
  sessionId: string | null;
  programId: string | null;
  block: number | null;
  amountCents: number;
  currency: string;
  status: Generated<InvoiceStatus>;
  dueAt: Timestamp | null;
  paidAt: Timestamp | null;
  paymentReference: string | null;
  recordedBy: string | null;
  /** Set when the patient's account was erased: the invoice is all that is kept, until `retainUntil`. */
  billedTo: ColumnType<string | null, string | null | undefined, string | null>;
  retainUntil: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Gapless invoice number, given when the invoice is issued. */
  number: ColumnType<number | null, number | null | undefined, number | null>;
  createdAt: CreatedAt;
}

export interface InvoicePaymentTable {
  id: Generated<string>;
  invoiceId: string;
  amountCents: number;
  paidAt: Timestamp;
  reference: string;
  recordedBy: string | null;
  createdAt: CreatedAt;
}

export interface InvoiceCounterTable {
  id: number;
  lastNumber: number;
}

export interface PostalAddressTable {
  patientId: string;
  recipient: string;
  line1: string;
  line2: ColumnType<string, string | undefined, string>;
  city: string;
  region: ColumnType<string, string | undefined, string>;
  postalCode: ColumnType<string, string | undefined, string>;
  country: string;
  updatedAt: Timestamp;
}

export interface PaymentOverrideTable {
  id: Generated<string>;
  sessionId: string;
  block: number;
  byUserId: string;
  role: "planner" | "therapist";
  reason: string;
  createdAt: Timestamp;
}

export interface WelcomePackageTable {
  programId: string;
  shippedOn: IsoDateColumn;
  carrier: string;
  trackingNumber: string;
  recordedBy: string;
  recordedAt: Timestamp;
}

export type JobStatus = "pending" | "running" | "done" | "failed";

export interface JobTable {
  id: Generated<string>;
  kind: string;
  payload: Json<unknown>;
  dedupeKey: string;
  runAt: Timestamp;
  status: Generated<JobStatus>;
  attempts: Generated<number>;
  maxAttempts: Generated<number>;
  lockedUntil: Timestamp | null;
  lockedBy: string | null;
  lastError: string | null;
  result: string | null;
  createdAt: CreatedAt;
  finishedAt: Timestamp | null;
}

export interface MailDeliveryTable {
  dedupeKey: string;
  status: "sending" | "sent";
  toAddress: string;
  subject: string;
  startedAt: Timestamp;
  sentAt: Timestamp | null;
}

export interface Database extends CallTables, HomeworkTables, DiaryTables, TrustTables {
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  verification: VerificationTable;
  rateLimit: RateLimitTable;
  staffInvitation: StaffInvitationTable;
  outboxEmail: OutboxEmailTable;
  invoicePayment: InvoicePaymentTable;
  invoiceCounter: InvoiceCounterTable;
  postalAddress: PostalAddressTable;
  clinicSetting: ClinicSettingTable;
  patientIntake: PatientIntakeTable;
  therapistSchedule: TherapistScheduleTable;
  availabilityWeekly: AvailabilityWeeklyTable;
  availabilityException: AvailabilityExceptionTable;
  program: ProgramTable;
  clinicalSession: ClinicalSessionTable;
  consultationOutcome: ConsultationOutcomeTable;
  sessionPlan: SessionPlanTable;
  sessionPlanItem: SessionPlanItemTable;
  invoice: InvoiceTable;
  paymentOverride: PaymentOverrideTable;
  welcomePackage: WelcomePackageTable;
  job: JobTable;
  mailDelivery: MailDeliveryTable;
}

export type Program = Selectable<ProgramTable>;
export type Job = Selectable<JobTable>;
