/**
 * Attendance of one participant in one session's call: a single record holding every interval they
 * were connected (a reload, a dropped network or a second tab opens another interval instead of
 * another record). Pure, so the same rules serve peer-to-peer joins and LiveKit's webhooks.
 */
export interface AttendanceInterval {
  connectionId: string;
  joinedAt: Date;
  leftAt: Date | null;
}

/** A connection (re)joined; an already open interval of the same connection stays as it is. */
export function joined(intervals: readonly AttendanceInterval[], connectionId: string, at: Date): AttendanceInterval[] {
  if (intervals.some((i) => i.connectionId === connectionId && i.leftAt === null)) return [...intervals];
  return [...intervals, { connectionId, joinedAt: at, leftAt: null }];
}

/** A connection left; idempotent. Pass no connection to close every open interval (the call ended). */
export function left(intervals: readonly AttendanceInterval[], at: Date, connectionId?: string): AttendanceInterval[] {
  return intervals.map((i) =>
    i.leftAt === null && (connectionId === undefined || i.connectionId === connectionId) ? { ...i, leftAt: at < i.joinedAt ? i.joinedAt : at } : i,
  );
}

/** First join and last leave; `leftAt` is null while any connection is open. */
export function span(intervals: readonly AttendanceInterval[]): { joinedAt: Date; leftAt: Date | null } | null {
  if (intervals.length === 0) return null;
  const joinedAt = new Date(Math.min(...intervals.map((i) => i.joinedAt.getTime())));
  if (intervals.some((i) => i.leftAt === null)) return { joinedAt, leftAt: null };
  return { joinedAt, leftAt: new Date(Math.max(...intervals.map((i) => i.leftAt!.getTime()))) };
}

/** Stored as JSON (ISO strings); read back into Dates, dropping anything malformed. */
export function parseIntervals(value: unknown): AttendanceInterval[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw) => {
    const r = (raw ?? {}) as { connectionId?: unknown; joinedAt?: unknown; leftAt?: unknown };
    const joinedAt = typeof r.joinedAt === "string" ? new Date(r.joinedAt) : null;
    const leftAt = typeof r.leftAt === "string" ? new Date(r.leftAt) : null;
    if (typeof r.connectionId !== "string" || !joinedAt || Number.isNaN(joinedAt.getTime())) return [];
    return [{ connectionId: r.connectionId, joinedAt, leftAt: leftAt && !Number.isNaN(leftAt.getTime()) ? leftAt : null }];
  });
}

export function serializeIntervals(intervals: readonly AttendanceInterval[]): { connectionId: string; joinedAt: string; leftAt: string | null }[] {
  return intervals.map((i) => ({ connectionId: i.connectionId, joinedAt: i.joinedAt.toISOString(), leftAt: i.leftAt?.toISOString() ?? null }));
}
