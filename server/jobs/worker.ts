/**
 * The worker loop: claim a due job, run its handler, record the outcome; poll again after
 * `pollIntervalMs` when nothing is due. `runDueJobs()` is the whole loop body, so tests call it once after
 * moving the clock and never sleep. `stop()` lets the job in hand finish (graceful shutdown).
 */
import { randomUUID } from "node:crypto";
import type { Job } from "../../db/schema";
import type { AppServices } from "../services/context";
import { JOB_LEASE_MS, JOB_MAX_PER_RUN, JOB_POLL_INTERVAL_MS } from "./constants";
import { claimNextJob, completeJob, failJob } from "./queue";

/** Thrown by a handler for a job that can never succeed (bad payload): no retry. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

export interface JobContext {
  services: AppServices;
  job: Job;
  now: Date;
}

/** Returns a short note stored on the job ("sent", "skipped: cancelled"). */
export type JobHandler = (payload: unknown, context: JobContext) => Promise<string | void>;
export type JobHandlers = Record<string, JobHandler>;

export interface JobWorkerOptions {
  pollIntervalMs?: number;
  leaseMs?: number;
  maxPerRun?: number;
  workerId?: string;
}

export interface RunSummary {
  done: number;
  retried: number;
  failed: number;
}

export interface JobWorker {
  readonly workerId: string;
  /** Runs every job due at `services.now()` (up to `maxPerRun`) and resolves when none is left. */
  runDueJobs(): Promise<RunSummary>;
  start(): void;
  stop(): Promise<void>;
}

export function createJobWorker(services: AppServices, handlers: JobHandlers, options: JobWorkerOptions = {}): JobWorker {
  const pollIntervalMs = options.pollIntervalMs ?? JOB_POLL_INTERVAL_MS;
  const leaseMs = options.leaseMs ?? JOB_LEASE_MS;
  const maxPerRun = options.maxPerRun ?? JOB_MAX_PER_RUN;
  const workerId = options.workerId ?? `worker-${randomUUID()}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let stopping = false;

  async function runOne(job: Job, summary: RunSummary): Promise<void> {
    const now = services.now();
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new PermanentJobError(`No handler for job kind "${job.kind}"`);
      const note = await handler(job.payload, { services, job, now });
      await completeJob(services.db, job, workerId, services.now(), note ?? undefined);
      summary.done++;
    } catch (error) {
      const status = await failJob(services.db, job, workerId, services.now(), error, error instanceof PermanentJobError);
      if (status === "failed") summary.failed++;
      else summary.retried++;
      services.logger.warn({ event: "job.failed", kind: job.kind, jobId: job.id, attempts: job.attempts, status, error: (error as Error)?.message }, "job failed");
    }
  }

  async function drain(): Promise<RunSummary> {
    const summary: RunSummary = { done: 0, retried: 0, failed: 0 };
    for (let i = 0; i < maxPerRun && !stopping; i++) {
      const job = await claimNextJob(services.db, { now: services.now(), leaseMs, workerId });
      if (!job) break;
      await runOne(job, summary);
    }
    return summary;
  }

  function runDueJobs(): Promise<RunSummary> {
    // One drain at a time per worker: a poll tick during a manual run waits for it instead of racing.
    const next = chain.then(drain);
    chain = next.catch(() => {});
    return next;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      runDueJobs()
        .catch((error) => services.logger.error({ event: "job.loop_error", error: (error as Error)?.message }, "job loop error"))
        .finally(schedule);
    }, pollIntervalMs);
    timer.unref?.();
  }

  return {
    workerId,
    runDueJobs,
    start() {
      stopping = false;
      if (!timer) schedule();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await chain;
    },
  };
}
