import { sql } from "kysely";
import { connectionDetailsFor, type ConnectionDetails } from "../../media/livekit/tokens";
import { createSessionRoom, deleteSessionRoom } from "../../media/livekit/rooms";
import type { LiveKitConfig } from "../../media/livekit/config";
import { type CallAvailability, JOIN_CLOSES_MINUTES_AFTER } from "../domain/call-window";
import { DomainError } from "../domain/domain-error";
import type { CallRole } from "../domain/roles";
import { audit } from "./audit";
import type { AppServices } from "./context";
import { type IceServer, iceServersFor } from "./ice-servers";
import { type CallContext, type CallUser, getCallContext } from "./sessions/access";
import { type AttendanceRow, attendanceOf, recordJoin, recordLeave } from "./sessions/attendance";
import { completeSession, repairCompletion } from "./sessions/complete";
import { blockPaymentState } from "./sessions/payment-state";

export type { CallUser };

export type JoinResult = { state: "waiting" } | { state: "joined"; role: CallRole; iceServers: IceServer[]; livekit?: ConnectionDetails & { expiresAt: Date } };

/** LiveKit's API is reached at LIVEKIT_API_URL when the browser-facing URL is not reachable from the server. */
export function liveKitConfig(services: AppServices, forBrowser: boolean): LiveKitConfig | null {
  const lk = services.env.livekit;
  if (!lk) return null;
  return { url: forBrowser ? lk.url : lk.apiUrl ?? lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };
}

const REFUSAL: Record<Exclude<CallAvailability["state"], "open">, [string, string]> = {
  too_early: ["CALL_NOT_OPEN", "The call opens 10 minutes before the session starts."],
  expired: ["CALL_EXPIRED", "This session's time is over."],
  ended: ["CALL_ENDED", "The therapist has ended this session."],
  cancelled: ["CALL_CANCELLED", "This session was cancelled."],
};

function assertOpen(ctx: CallContext): void {
  if (ctx.availability.state !== "open") {
    const [code, message] = REFUSAL[ctx.availability.state];
    throw new DomainError(code, message);
  }
}

/**
 * Joining: the therapist (and invited staff) enter at once; a patient enters when the therapist has
 * admitted them once in this session (so a reload or a dropped network rejoins without anyone
 * clicking), or automatically when the therapist chose so; otherwise they wait.
 */
export async function joinCall(services: AppServices, user: CallUser, sessionId: string, connectionId: string): Promise<JoinResult> {
  const ctx = await getCallContext(services, user, sessionId);
  assertOpen(ctx);
  await assertBlockPaid(services, ctx);
  const now = services.now();
  // Fast path (a rejoin after a reload or a reconnect): already admitted, the session's call row exists.
  let admitted = true;
  if (ctx.admittedAt && ctx.myRole !== "therapist") {
    if (!services.env.livekit) await recordJoin(services.db, { sessionId, userId: user.userId, transport: "p2p", connectionId, at: now });
  } else {
    admitted = await services.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("sessionCall")
        .values({ sessionId, startedAt: null, endedAt: null, endedBy: null })
        .onConflict((oc) => oc.column("sessionId").doNothing())
        .execute();
      const existing = await trx
        .selectFrom("callParticipant")
        .select(["admittedAt"])
        .where("sessionId", "=", sessionId)
        .where("userId", "=", user.userId)
        .executeTakeFirst();
      const admitNow = ctx.myRole !== "patient" || ctx.autoAdmit || Boolean(existing?.admittedAt);
      if (!existing) {
        await trx
          .insertInto("callParticipant")
          .values({ sessionId, userId: user.userId, role: ctx.myRole, admittedAt: admitNow ? now : null, invitedBy: null })
          .execute();
      } else if (admitNow && !existing.admittedAt) {
        await trx.updateTable("callParticipant").set({ admittedAt: now }).where("sessionId", "=", sessionId).where("userId", "=", user.userId).execute();
      }
      if (!admitNow) return false;
      if (ctx.myRole === "therapist") {
        await trx.updateTable("sessionCall").set({ startedAt: now }).where("sessionId", "=", sessionId).where("startedAt", "is", null).execute();
      }
      if (!services.env.livekit) await recordJoin(trx, { sessionId, userId: user.userId, transport: "p2p", connectionId, at: now });
      return true;
    });
  }
  if (!admitted) return { state: "waiting" };

  const result: JoinResult = { state: "joined", role: ctx.myRole, iceServers: iceServersFor(services.env, user.userId, now) };
  const lk = liveKitConfig(services, true);
  const lkApi = liveKitConfig(services, false);
  if (lk && lkApi) {
    await createSessionRoom(lkApi, { sessionId, sessionKind: ctx.kind, startsAt: ctx.startsAt, endsAt: ctx.endsAt });
    const name = ctx.myRole === "therapist" ? ctx.therapist.name : ctx.myRole === "patient" ? ctx.patient.name : "Clinic staff";
    result.livekit = await connectionDetailsFor(lk, {
      sessionId,
      identity: user.userId,
      name,
      role: ctx.myRole,
      windowEndsAt: new Date(ctx.endsAt.getTime() + JOIN_CLOSES_MINUTES_AFTER * 60_000),
      now,
    });
  }
  return result;
}

/**
 * A program session of an unpaid block does not start unless a planner or its therapist recorded an
 * override. getCallContext has authorised the user already; the payment state is the session's own.
 */
async function assertBlockPaid(services: AppServices, ctx: CallContext): Promise<void> {
  const decision = await blockPaymentState(services.db, ctx.sessionId);
  if (decision.allowed || decision.code !== "BLOCK_UNPAID") return;
  const message =
    ctx.myRole === "patient"
      ? `This session is waiting for payment: ${decision.message}. It can start once the payment is recorded; please contact the clinic if you have paid.`
      : `${decision.message}. Record an override on the session page to start it anyway.`;
  throw new DomainError("BLOCK_UNPAID", message);
}

/** The therapist lets a waiting participant in; remembered for the rest of the session. */
export async function admitToCall(services: AppServices, user: CallUser, sessionId: string, participantId: string): Promise<void> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can admit participants.");
  assertOpen(ctx);
  const result = await services.db
    .updateTable("callParticipant")
    .set({ admittedAt: services.now() })
    .where("sessionId", "=", sessionId)
    .where("userId", "=", participantId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new DomainError("NOT_FOUND", "Nobody with this id is waiting for this session.");
}

export async function setAutoAdmit(services: AppServices, user: CallUser, sessionId: string, autoAdmit: boolean): Promise<void> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can change this.");
  await services.db
    .insertInto("sessionCall")
    .values({ sessionId, startedAt: null, endedAt: null, endedBy: null, autoAdmit })
    .onConflict((oc) => oc.column("sessionId").doUpdateSet({ autoAdmit }))
    .execute();
}

/** A connection left (socket closed, page left); idempotent. */
export async function recordCallLeft(services: AppServices, sessionId: string, connectionId: string): Promise<void> {
  await recordLeave(services.db, { sessionId, connectionId, at: services.now() });
}

/** "End session": closes the call for everyone, records the end and completes the session. */
export async function endCall(services: AppServices, user: CallUser, sessionId: string): Promise<{ endedAt: Date }> {
  const ctx = await getCallContext(services, user, sessionId);
  if (ctx.myRole !== "therapist") throw new DomainError("FORBIDDEN", "Only the session's therapist can end the session.");
  if (ctx.availability.state === "ended") {
    await repairCompletion(services, sessionId);
    return { endedAt: ctx.availability.endedAt };
  }
  assertOpen(ctx);
  const { endedAt } = await completeSession(services, sessionId, user.userId);
  const lkApi = liveKitConfig(services, false);
  if (lkApi) await deleteSessionRoom(lkApi, sessionId);
  services.logger.info({ event: "call.ended", sessionId }, "session ended");
  return { endedAt };
}

export interface AttendanceSummary {
  /** One row per participant, with the intervals they were connected. */
  rows: AttendanceRow[];
  startedAt: Date | null;
  endedAt: Date | null;
  /** From the first moment both therapist and patient were in the call to the end (or the last leave). */
  actualMinutes: number | null;
}

/** Joined/left times and the actual duration, for the session's therapist and for planners. */
export async function getAttendance(services: AppServices, user: CallUser, sessionId: string): Promise<AttendanceSummary> {
  if (user.role !== "planner" && user.role !== "admin") {
    const ctx = await getCallContext(services, user, sessionId);
    if (ctx.myRole === "patient") throw new DomainError("FORBIDDEN", "Attendance is kept for the clinic.");
  }
  const session = await services.db.selectFrom("clinicalSession").select(["therapistId", "patientId"]).where("id", "=", sessionId).executeTakeFirst();
  await audit(services, { actor: user, action: "attendance.read", recordType: "clinical_session", recordId: sessionId, patientId: session?.patientId ?? null });
  const rows = await attendanceOf(services.db, sessionId);
  const call = await services.db.selectFrom("sessionCall").select(["startedAt", "endedAt"]).where("sessionId", "=", sessionId).executeTakeFirst();
  let actualMinutes: number | null = null;
  const therapist = rows.find((r) => r.userId === session?.therapistId);
  const patient = rows.find((r) => r.userId === session?.patientId);
  if (therapist && patient) {
    const start = Math.max(therapist.joinedAt.getTime(), patient.joinedAt.getTime());
    const lastLeave = Math.max(...rows.map((r) => (r.leftAt ?? services.now()).getTime()));
    const end = call?.endedAt ? call.endedAt.getTime() : lastLeave;
    actualMinutes = Math.max(0, Math.round((end - start) / 60_000));
  }
  return { rows, startedAt: call?.startedAt ?? null, endedAt: call?.endedAt ?? null, actualMinutes };
}

/** LiveKit's signed webhooks record attendance when LiveKit is the transport (one connection per identity). */
export async function recordLiveKitAttendance(
  services: AppServices,
  event: { kind: "participant_joined" | "participant_left" | "room_finished"; sessionId: string; identity: string | null; at: Date; eventId: string },
): Promise<void> {
  const session = await services.db.selectFrom("clinicalSession").select(["id"]).where("id", "=", event.sessionId).executeTakeFirst();
  if (!session) return;
  const connectionId = `lk:${event.identity}`;
  if (event.kind === "participant_joined" && event.identity) {
    const user = await services.db.selectFrom("user").select("id").where("id", "=", event.identity).executeTakeFirst();
    if (!user) return;
    await recordJoin(services.db, { sessionId: event.sessionId, userId: event.identity, transport: "livekit", connectionId, at: event.at });
  } else if (event.kind === "participant_left" && event.identity) {
    await recordLeave(services.db, { sessionId: event.sessionId, userId: event.identity, connectionId, at: event.at });
  } else if (event.kind === "room_finished") {
    await recordLeave(services.db, { sessionId: event.sessionId, at: event.at });
  }
}

/** Atomically marks a webhook id as processed; true when it had been already (a replay). */
export async function markWebhookSeen(services: AppServices, eventId: string): Promise<boolean> {
  const inserted = await services.db
    .insertInto("livekitWebhookEvent")
    .values({ id: eventId })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return !inserted;
}

export interface SessionListItem {
  id: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  otherName: string;
}

/** Upcoming and recent sessions of a patient or a therapist, for their home page. */
export async function listMySessions(services: AppServices, user: CallUser): Promise<SessionListItem[]> {
  if (user.role !== "patient" && user.role !== "therapist") return [];
  const mine = user.role === "patient" ? "s.patientId" : "s.therapistId";
  const other = user.role === "patient" ? "s.therapistId" : "s.patientId";
  return services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("user as o", "o.id", other)
    .select(["s.id", "s.kind", "s.startsAt", "s.endsAt", "s.status", "o.name as otherName"])
    .where(mine, "=", user.userId)
    .where("s.status", "<>", "cancelled")
    .where("s.endsAt", ">", sql<Date>`${services.now()}::timestamptz - interval '7 days'`)
    .orderBy("s.startsAt")
    .limit(50)
    .execute();
}

/** The planning desk's view of recently held sessions: who attended and for how long. */
export async function recentAttendance(services: AppServices, user: CallUser, days = 14) {
  if (user.role !== "planner" && user.role !== "admin") throw new DomainError("FORBIDDEN", "Attendance overviews are for the planning desk.");
  const since = new Date(services.now().getTime() - days * 86_400_000);
  const sessions = await services.db
    .selectFrom("clinicalSession as s")
    .innerJoin("sessionCall as c", "c.sessionId", "s.id")
    .innerJoin("user as t", "t.id", "s.therapistId")
    .innerJoin("user as p", "p.id", "s.patientId")
    .select(["s.id", "s.kind", "s.startsAt", "t.name as therapistName", "p.name as patientName"])
    .where("c.startedAt", "is not", null)
    .where("s.startsAt", ">=", since)
    .orderBy("s.startsAt", "desc")
    .limit(30)
    .execute();
  const out = [];
  for (const session of sessions) {
    const summary = await getAttendance(services, user, session.id);
    out.push({ ...session, actualMinutes: summary.actualMinutes, endedAt: summary.endedAt, participants: summary.rows.length });
  }
  return out;
}
