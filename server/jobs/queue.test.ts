import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../tests/setup/databases";
import { createTestbed, type Testbed } from "../services/journey/test-support";
import { sendMailOnce } from "./mail-once";
import { claimNextJob, enqueueJob, retryDelayMs } from "./queue";
import { createJobWorker, PermanentJobError } from "./worker";

describe.each(databaseKinds)("job queue on %s", (kind) => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await createTestbed(kind);
  });
  afterAll(async () => bed?.dispose());

  it("de-duplicates on the key and runs a job only once it is due", async () => {
    const runAt = new Date(bed.clock.now().getTime() + 60_000);
    const id = await enqueueJob(bed.db, { kind: "count", payload: { n: 1 }, runAt, dedupeKey: "count:1" });
    expect(id).toEqual(expect.any(String));
    expect(await enqueueJob(bed.db, { kind: "count", payload: { n: 2 }, runAt, dedupeKey: "count:1" })).toBeNull();
    const seen: unknown[] = [];
    const worker = createJobWorker(bed.services, { count: async (payload) => void seen.push(payload) });
    expect((await worker.runDueJobs()).done).toBe(0);
    bed.clock.advance(60_000);
    expect((await worker.runDueJobs()).done).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    expect((await worker.runDueJobs()).done).toBe(0);
  });

  it("hands each due job to one claimer only (FOR UPDATE SKIP LOCKED)", async () => {
    const now = bed.clock.now();
    for (let i = 0; i < 30; i++) await enqueueJob(bed.db, { kind: "parallel", payload: { i }, runAt: now, dedupeKey: `parallel:${i}` });
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, w) => claimNextJob(bed.db, { now, leaseMs: 60_000, workerId: `w${w}` })),
    );
    const ids = claims.filter(Boolean).map((job) => job!.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    await bed.db.updateTable("job").set({ status: "done" }).where("kind", "=", "parallel").execute();
  });

  it("retries a failing job with back-off, gives up after max attempts, and never retries a permanent error", async () => {
    await enqueueJob(bed.db, { kind: "flaky", payload: {}, runAt: bed.clock.now(), dedupeKey: "flaky", maxAttempts: 2 });
    await enqueueJob(bed.db, { kind: "broken", payload: {}, runAt: bed.clock.now(), dedupeKey: "broken" });
    await enqueueJob(bed.db, { kind: "unknown-kind", payload: {}, runAt: bed.clock.now(), dedupeKey: "unknown" });
    let calls = 0;
    const worker = createJobWorker(bed.services, {
      flaky: async () => {
        calls++;
        throw new Error("SMTP down");
      },
      broken: async () => {
        throw new PermanentJobError("bad payload");
      },
    });
    expect(await worker.runDueJobs()).toEqual({ done: 0, retried: 1, failed: 2 });
    const flaky = await bed.db.selectFrom("job").selectAll().where("dedupeKey", "=", "flaky").executeTakeFirstOrThrow();
    expect(flaky).toMatchObject({ status: "pending", attempts: 1, lastError: "SMTP down" });
    expect(flaky.runAt.getTime() - bed.clock.now().getTime()).toBe(retryDelayMs(1));
    bed.clock.advance(retryDelayMs(1));
    expect(await worker.runDueJobs()).toEqual({ done: 0, retried: 0, failed: 1 });
    expect(calls).toBe(2);
    const rows = await bed.db.selectFrom("job").select(["dedupeKey", "status", "lastError"]).where("dedupeKey", "in", ["flaky", "broken", "unknown"]).orderBy("dedupeKey").execute();
    expect(rows).toEqual([
      { dedupeKey: "broken", status: "failed", lastError: "bad payload" },
      { dedupeKey: "flaky", status: "failed", lastError: "SMTP down" },
      { dedupeKey: "unknown", status: "failed", lastError: 'No handler for job kind "unknown-kind"' },
    ]);
  });

  it("stop() waits for the job in hand (graceful shutdown)", async () => {
    await enqueueJob(bed.db, { kind: "slow", payload: {}, runAt: bed.clock.now(), dedupeKey: "slow" });
    let release!: () => void;
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const worker = createJobWorker(bed.services, {
      slow: () =>
        new Promise<void>((resolve) => {
          release = resolve;
          started();
        }),
    });
    const run = worker.runDueJobs();
    await isStarted;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await run).toEqual({ done: 1, retried: 0, failed: 0 });
    const job = await bed.db.selectFrom("job").select("status").where("dedupeKey", "=", "slow").executeTakeFirstOrThrow();
    expect(job.status).toBe("done");
  });

  it("sends an e-mail once per key; an SMTP failure leaves the key free for the retry", async () => {
    const message = { to: "someone@example.test", subject: "Once only", text: "Hello" };
    expect(await sendMailOnce(bed.services, "once:1", message)).toBe("sent");
    expect(await sendMailOnce(bed.services, "once:1", message)).toBe("already-sent");
    await bed.smtp.waitFor((m) => m.subject === "Once only");
    expect(bed.smtp.messages.filter((m) => m.subject === "Once only")).toHaveLength(1);

    const failing = { ...bed.services, mailer: { ...bed.services.mailer, send: async () => Promise.reject(new Error("connection refused")) } };
    await expect(sendMailOnce(failing, "once:2", message)).rejects.toThrow("connection refused");
    expect(await bed.db.selectFrom("mailDelivery").select("dedupeKey").where("dedupeKey", "=", "once:2").executeTakeFirst()).toBeUndefined();
    expect(await sendMailOnce(bed.services, "once:2", message)).toBe("sent");
  });
});
