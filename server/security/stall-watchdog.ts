/**
 * Event-loop stall watchdog. One request that keeps the loop busy (a loop that does not end, a huge
 * synchronous parse) freezes every patient's page and /health; this makes such a stall visible in the
 * log with what was running while it happened, so the cause can be found and fixed.
 *
 * A timer that should fire every INTERVAL ms measures how late it runs (timer drift): being late by more
 * than the threshold means nothing else could run for that long. What is logged is the method and
 * masked route of the HTTP requests and the names of the socket events in flight — no ids, no addresses.
 */
import type { Logger } from "../logger";

export const STALL_THRESHOLD_MS = 200;
const INTERVAL_MS = 50;
/** Finished work is remembered this long, so a handler that blocked and then returned is still named. */
const RECENT_MS = 5_000;

interface Work {
  label: string;
  startedAt: number;
  endedAt?: number;
}

const running = new Set<Work>();
let recent: Work[] = [];

/** Marks a request or socket event as running; call the returned function when it is done. */
export function beginWork(label: string): () => void {
  const work: Work = { label, startedAt: performance.now() };
  running.add(work);
  return () => {
    if (!running.delete(work)) return;
    work.endedAt = performance.now();
    recent.push(work);
    if (recent.length > 200) recent = recent.slice(-100);
  };
}

/** What ran at some point between `from` and `to` (performance.now() times). */
export function workDuring(from: number, to: number): string[] {
  recent = recent.filter((w) => (w.endedAt ?? 0) > to - RECENT_MS);
  const overlapping = [...running, ...recent].filter((w) => w.startedAt <= to && (w.endedAt === undefined || w.endedAt >= from));
  return [...new Set(overlapping.map((w) => w.label))].sort();
}

export function startStallWatchdog(logger: Pick<Logger, "warn">, thresholdMs = STALL_THRESHOLD_MS): { stop(): void } {
  let expected = performance.now() + INTERVAL_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const lateMs = now - expected;
    expected = now + INTERVAL_MS;
    if (lateMs <= thresholdMs) return;
    logger.warn({ event: "event_loop.stall", ms: Math.round(lateMs), inFlight: workDuring(now - lateMs, now) }, "event loop stalled");
  }, INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
