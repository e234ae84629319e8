import type { ColumnType, Generated } from "kysely";
import type { Timestamp } from "./schema";

import type { CallRole } from "../server/domain/roles";

export type { CallRole };

export interface SessionCallTable {
  sessionId: string;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  endedBy: string | null;
  autoAdmit: Generated<boolean>;
}

export interface CallParticipantTable {
  sessionId: string;
  userId: string;
  role: CallRole;
  admittedAt: Timestamp | null;
  invitedBy: string | null;
}

export interface CallAttendanceTable {
  id: Generated<string>;
  sessionId: string;
  userId: string;
  transport: "p2p" | "livekit";
  /** First join of this participant in this session. */
  joinedAt: Timestamp;
  /** Last leave; null while any of their connections is open. */
  leftAt: Timestamp | null;
  /** Every connected interval, as JSON: [{ connectionId, joinedAt, leftAt }] (see server/domain/attendance.ts). */
  intervals: ColumnType<unknown, string, string>;
}

export interface LivekitWebhookEventTable {
  id: string;
  receivedAt: Generated<Date>;
}

export interface CallTables {
  sessionCall: SessionCallTable;
  callParticipant: CallParticipantTable;
  callAttendance: CallAttendanceTable;
  livekitWebhookEvent: LivekitWebhookEventTable;
}
