/**
 * Who takes part in a clinical session, and in which role. Homework, diary snapshots, the board and the
 * call all ask here; nothing else decides it.
 */
import type { CallRole } from "../../../db/schema-calls";
import { type CallAvailability, callAvailability } from "../../domain/call-window";
import { DomainError } from "../../domain/domain-error";
import { isUuid } from "../../domain/ids";
import type { AppServices } from "../context";
import type { SessionKind } from "../../domain/session-kinds";

export interface CallUser {
  userId: string;
  role: "patient" | "therapist" | "planner" | "admin";
  /** Where the request came from, for the audit trail. */
  ip?: string;
}

export interface CallContext {
  sessionId: string;
  kind: SessionKind;
  startsAt: Date;
  endsAt: Date;
  therapist: { id: string; name: string };
  patient: { id: string; name: string };
  myRole: CallRole;
  availability: CallAvailability;
  transport: "p2p" | "livekit";
  autoAdmit: boolean;
  /** When this user was let into the call (null: never yet). */
  admittedAt: Date | null;
}

async function loadSession(services: AppServices, sessionId: string, userId: string) {
  if (!isUuid(sessionId)) return undefined;
  return services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .innerJoin("user as p", "p.id", "s.patientId")
    .leftJoin("sessionCall as c", "c.sessionId", "s.id")
    .leftJoin("callParticipant as me", (join) => join.onRef("me.sessionId", "=", "s.id").on("me.userId", "=", userId))
    .select([
      "me.role as myParticipantRole",
      "me.admittedAt as myAdmittedAt",
      "s.id",
      "s.kind",
      "s.startsAt",
      "s.endsAt",
      "s.status",
      "s.therapistId",
      "s.patientId",
      "t.name as therapistName",
      "p.name as patientName",
      "c.endedAt",
      "c.autoAdmit",
    ])
    .where("s.id", "=", sessionId)
    .executeTakeFirst();
}

/**
 * Who the user is in this session, and whether its call can be joined now. Only the session's
 * therapist, its patient and staff the therapist invited get an answer; anyone else is refused.
 */
export async function getCallContext(services: AppServices, user: CallUser, sessionId: string): Promise<CallContext> {
  const session = await loadSession(services, sessionId, user.userId);
  if (!session) throw new DomainError("NOT_FOUND", "This session does not exist.");
  let myRole: CallRole | null = null;
  if (session.therapistId === user.userId) myRole = "therapist";
  else if (session.patientId === user.userId) myRole = "patient";
  else if (user.role !== "patient" && session.myParticipantRole === "guest_staff") myRole = "guest_staff";
  if (!myRole) throw new DomainError("FORBIDDEN", "This session belongs to other people. Only its therapist and patient can join it.");
  return {
    sessionId: session.id,
    kind: session.kind,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    therapist: { id: session.therapistId, name: session.therapistName },
    patient: { id: session.patientId, name: session.patientName },
    myRole,
    availability: callAvailability({
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      status: session.status,
      endedAt: session.endedAt ?? null,
      now: services.now(),
    }),
    transport: services.env.livekit ? "livekit" : "p2p",
    autoAdmit: session.autoAdmit ?? false,
    admittedAt: session.myAdmittedAt ?? null,
  };
}

/** Only the session's own therapist. */
export async function sessionTherapist(services: AppServices, user: CallUser, sessionId: string): Promise<CallContext> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can do this.");
  return ctx;
}
