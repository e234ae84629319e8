import type { ColumnType, Generated } from "kysely";
import type { Timestamp } from "./schema";

export type AuditOutcome = "allowed" | "refused" | "failed";

export interface AuditEventTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | string | undefined, never>;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  outcome: AuditOutcome;
  recordType: string | null;
  recordId: string | null;
  patientId: string | null;
  ip: string | null;
}

export interface LoginFailureTable {
  id: Generated<string>;
  accountKey: string;
  at: Timestamp;
}

export interface DataExportTable {
  id: Generated<string>;
  userId: string;
  status: Generated<"pending" | "ready" | "failed">;
  requestedAt: Timestamp;
  readyAt: Timestamp | null;
  expiresAt: Timestamp | null;
  filePath: string | null;
  sizeBytes: number | null;
}

export interface TwoFactorTable {
  id: string;
  secret: string;
  backupCodes: string;
  userId: string;
  verified: Generated<boolean>;
  failedVerificationCount: Generated<number>;
  lockedUntil: Timestamp | null;
}

export type ErasureStatus = "requested" | "cancelled" | "declined" | "confirmed" | "done";

export interface ErasureRequestTable {
  id: Generated<string>;
  patientId: string;
  status: Generated<ErasureStatus>;
  requestedAt: Timestamp;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  declineReason: string | null;
  completedAt: Timestamp | null;
}

export interface TrustTables {
  twoFactor: TwoFactorTable;
  erasureRequest: ErasureRequestTable;
  auditEvent: AuditEventTable;
  loginFailure: LoginFailureTable;
  dataExport: DataExportTable;
}
