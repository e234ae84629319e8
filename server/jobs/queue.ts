/**
 * A durable job queue in one table, claimed with `FOR UPDATE SKIP LOCKED`: the same SQL on PGlite and
 * PostgreSQL (verified: docs/research/stack.md, "Jobs"; docs/decisions/0002-jobs-table.md), so there is one code path and no extra service.
 *
 * - `enqueueJob` de-duplicates on `dedupe_key` (a second enqueue of the same key is a no-op), and takes a
 *   transaction so a job is only ever queued together with the change that caused it (an outbox).
 * - Time comes from the caller (`services.now()`), never from SQL `now()`, so tests move a clock instead
 *   of sleeping, and a job due "at 09:00" is due at 09:00 of the same clock the services use.
 * - A claimed job is leased; when a worker dies, the lease runs out and another worker takes the job
 *   again. Delivery is therefore at-least-once, and handlers make their effects idempotent
 *   (see ./mail-once.ts).
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { Database, Job } from "../../db/schema";
import { JOB_DEFAULT_MAX_ATTEMPTS, JOB_RETRY_BASE_MS, JOB_RETRY_MAX_MS } from "./constants";

export type Queryable = Kysely<Database> | Transaction<Database>;

/**
 * A value for a jsonb column. The text is cast twice on purpose: postgres.js JSON-encodes a parameter
 * whose type the server infers as jsonb, so a plain JSON string would be stored as a jsonb *string*
 * (PGlite would store the object). Through `text` both drivers store the object.
 */
export function jsonb(value: unknown): RawBuilder<string> {
  return sql<string>`cast(cast(${JSON.stringify(value)} as text) as jsonb)`;
}

export interface NewJob {
  kind: string;
  payload: unknown;
  runAt: Date;
  dedupeKey: string;
  maxAttempts?: number;
}

/** The new job's id, or null when a job with the same dedupe key already exists. */
export async function enqueueJob(db: Queryable, job: NewJob): Promise<string | null> {
  const row = await db
    .insertInto("job")
    .values({
      kind: job.kind,
      payload: jsonb(job.payload ?? {}),
      runAt: job.runAt,
      dedupeKey: job.dedupeKey,
      maxAttempts: job.maxAttempts ?? JOB_DEFAULT_MAX_ATTEMPTS,
    })
    .onConflict((oc) => oc.column("dedupeKey").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Takes the most overdue job (or one whose lease ran out) for `workerId`, or undefined when none is due. */
export async function claimNextJob(db: Queryable, options: { now: Date; leaseMs: number; workerId: string }): Promise<Job | undefined> {
  const { now, leaseMs, workerId } = options;
  return db
    .updateTable("job")
    .set({
      status: "running",
      attempts: sql`attempts + 1`,
      lockedUntil: new Date(now.getTime() + leaseMs),
      lockedBy: workerId,
    })
    .where("id", "=", (eb) =>
      eb
        .selectFrom("job")
        .select("id")
        .where((w) =>
          w.or([
            w.and([w("status", "=", "pending"), w("runAt", "<=", now)]),
            w.and([w("status", "=", "running"), w("lockedUntil", "<", now)]),
          ]),
        )
        .orderBy("runAt")
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Marks the job done, if this worker still holds it (a worker whose lease ran out changes nothing). */
export async function completeJob(db: Queryable, job: Job, workerId: string, now: Date, result?: string): Promise<void> {
  await db
    .updateTable("job")
    .set({ status: "done", finishedAt: now, lockedUntil: null, result: result ?? null })
    .where("id", "=", job.id)
    .where("lockedBy", "=", workerId)
    .where("status", "=", "running")
    .execute();
}

export function retryDelayMs(attempts: number): number {
  return Math.min(JOB_RETRY_MAX_MS, JOB_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** Schedules a retry with back-off, or gives up after `maxAttempts`; returns the new status. */
export async function failJob(db: Queryable, job: Job, workerId: string, now: Date, error: unknown, permanent = false): Promise<"pending" | "failed"> {
  const message = error instanceof Error ? error.message : String(error);
  const giveUp = permanent || job.attempts >= job.maxAttempts;
  await db
    .updateTable("job")
    .set(
      giveUp
        ? { status: "failed", finishedAt: now, lockedUntil: null, lastError: message.slice(0, 2000) }
        : { status: "pending", runAt: new Date(now.getTime() + retryDelayMs(job.attempts)), lockedUntil: null, lastError: message.slice(0, 2000) },
    )
    .where("id", "=", job.id)
    .where("lockedBy", "=", workerId)
    .where("status", "=", "running")
    .execute();
  return giveUp ? "failed" : "pending";
}
