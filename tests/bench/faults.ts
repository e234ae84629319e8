/**
 * Fault recovery (issue 8): runs the fault drills (`tests/faults/run.sh`, the network ones in a private
 * network namespace) and reports the recovery times they measured (test-results/fault-timings.json).
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../server/paths";
import { FAULT_TIMINGS_FILE, readFaultTimings } from "../faults/support/timings";

export async function runFaultBench(): Promise<Record<string, string | number>[]> {
  rmSync(FAULT_TIMINGS_FILE, { force: true });
  const run = spawnSync(path.join(PROJECT_ROOT, "tests/faults/run.sh"), ["--reporter=line"], { cwd: PROJECT_ROOT, stdio: "inherit" });
  const timings = readFaultTimings();
  const rows: Record<string, string | number>[] = Object.entries(timings).map(([drill, t]) => ({ drill, "recovery ms": t.ms, what: t.note }));
  if (run.status !== 0) rows.push({ drill: "(drills failed)", "recovery ms": "-", what: `tests/faults/run.sh exited with ${run.status}` });
  return rows;
}
