import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps are `timestamptz` in UTC; the drivers hand back `Date`. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export const ROLES = ["patient", "therapist", "planner", "admin"] as const;
export type Role = (typeof ROLES)[number];

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
  createdAt: CreatedAt;
}

export interface Database {
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  verification: VerificationTable;
  rateLimit: RateLimitTable;
  staffInvitation: StaffInvitationTable;
  outboxEmail: OutboxEmailTable;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type StaffInvitation = Selectable<StaffInvitationTable>;
export type OutboxEmail = Selectable<OutboxEmailTable>;
