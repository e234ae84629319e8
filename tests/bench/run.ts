/**
 * `npm run bench`: every benchmark, each printed as a table. Figures are measured on this machine;
 * targets are reported next to them, never asserted in the test suite.
 */
import { runApiLatencyBench } from "./api-latency";
import { runCallBench } from "./calls";
import { runExportBench } from "./export";
import { runFaceBench } from "./face";
import { runFaultBench } from "./faults";
import { runThroughputBench } from "./throughput";
import { runWireBytesBench } from "./wire-bytes";
import { runWhiteboardBench } from "./whiteboard";

const benches: [string, () => Promise<Record<string, string | number>[]>][] = [
  ["Bytes over the wire (issue 18)", runWireBytesBench],
  ["Throughput: step test, one and two processes (issue 18)", runThroughputBench],
  ["Live calls (issue 5)", runCallBench],
  ["Whiteboard (issue 6)", runWhiteboardBench],
  ["Face snapshots (issue 7)", runFaceBench],
  ["API latency at 50 requests per second (issue 8)", runApiLatencyBench],
  ["Full data export (issue 8)", runExportBench],
  ["Fault recovery (issue 8)", runFaultBench],
];

const only = process.argv[2];
for (const [title, run] of benches) {
  if (only && !title.toLowerCase().includes(only.toLowerCase())) continue;
  const started = Date.now();
  process.stdout.write(`\n## ${title}\n`);
  console.table(await run());
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exit(0);
