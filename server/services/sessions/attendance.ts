/**
 * Who was in a session's call and when: one record per participant, its connected intervals inside
 * (rules in server/domain/attendance.ts). Peer-to-peer joins and leaves come from the socket layer,
 * LiveKit's from its signed webhooks; ending the call closes everything.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../../db/schema";
import { type AttendanceInterval, joined, left, parseIntervals, serializeIntervals, span } from "../../domain/attendance";
import { jsonb } from "../../jobs/queue";

type Db = Kysely<Database> | Transaction<Database>;

/** Runs `work` in a transaction (the caller's, when it is already in one). */
function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

async function rewrite(trx: Transaction<Database>, row: { id: string; intervals: unknown }, change: (intervals: AttendanceInterval[]) => AttendanceInterval[]): Promise<void> {
  const before = parseIntervals(row.intervals);
  const after = change(before);
  if (JSON.stringify(after) === JSON.stringify(before)) return;
  const s = span(after)!;
  await trx.updateTable("callAttendance").set({ intervals: jsonb(serializeIntervals(after)), joinedAt: s.joinedAt, leftAt: s.leftAt }).where("id", "=", row.id).execute();
}

/** A connection of this participant joined (or rejoined after a reconnect): present from `at`. */
export async function recordJoin(db: Db, p: { sessionId: string; userId: string; transport: "p2p" | "livekit"; connectionId: string; at: Date }): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto("callAttendance")
      .values({ sessionId: p.sessionId, userId: p.userId, transport: p.transport, joinedAt: p.at, leftAt: null, intervals: jsonb([]) })
      .onConflict((oc) => oc.columns(["sessionId", "userId"]).doNothing())
      .execute();
    const row = await trx.selectFrom("callAttendance").select(["id", "intervals"]).where("sessionId", "=", p.sessionId).where("userId", "=", p.userId).forUpdate().executeTakeFirstOrThrow();
    await rewrite(trx, row, (intervals) => joined(intervals, p.connectionId, p.at));
  });
}

/**
 * A connection left (socket closed, page left, LiveKit participant left); idempotent. Without a user
 * the connection is looked for among the session's participants; without a connection every open
 * interval of the user (or, with neither, of the session: the call ended) closes.
 */
export async function recordLeave(db: Db, p: { sessionId: string; at: Date; userId?: string; connectionId?: string }): Promise<void> {
  await inTransaction(db, async (trx) => {
    let query = trx.selectFrom("callAttendance").select(["id", "intervals"]).where("sessionId", "=", p.sessionId).where("leftAt", "is", null);
    if (p.userId) query = query.where("userId", "=", p.userId);
    for (const row of await query.forUpdate().execute()) await rewrite(trx, row, (intervals) => left(intervals, p.at, p.connectionId));
  });
}

export interface AttendanceRow {
  userId: string;
  name: string;
  joinedAt: Date;
  leftAt: Date | null;
  transport: string;
  intervals: AttendanceInterval[];
}

export async function attendanceOf(db: Db, sessionId: string): Promise<AttendanceRow[]> {
  const rows = await db
    .selectFrom("callAttendance as a")
    .innerJoin("user as u", "u.id", "a.userId")
    .select(["a.userId", "u.name", "a.joinedAt", "a.leftAt", "a.transport", "a.intervals"])
    .where("a.sessionId", "=", sessionId)
    .orderBy("a.joinedAt")
    .execute();
  return rows.map((r) => ({ ...r, intervals: parseIntervals(r.intervals) }));
}
