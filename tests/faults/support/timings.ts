import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../../server/paths";

/** Where the drills leave their measured recovery times; `npm run bench` prints them. */
export const FAULT_TIMINGS_FILE = path.join(PROJECT_ROOT, "test-results", "fault-timings.json");

export type FaultTimings = Record<string, { ms: number; note: string; measuredAt: string }>;

export function readFaultTimings(): FaultTimings {
  return existsSync(FAULT_TIMINGS_FILE) ? (JSON.parse(readFileSync(FAULT_TIMINGS_FILE, "utf8")) as FaultTimings) : {};
}

/** Adds one figure (the two Playwright runs of `npm run test:faults` each add theirs). */
export function recordFaultTiming(key: string, ms: number, note: string): void {
  const all = readFaultTimings();
  all[key] = { ms: Math.round(ms), note, measuredAt: new Date().toISOString() };
  mkdirSync(path.dirname(FAULT_TIMINGS_FILE), { recursive: true });
  writeFileSync(FAULT_TIMINGS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}
