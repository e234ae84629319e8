/**
 * Boot entry for the job worker (server/main.ts: start after migrations, `await worker.stop()` on
 * shutdown). Jobs live in the database, so anything due while the process was down runs at the next start.
 */
import type { AppServices } from "../services/context";
import { journeyJobHandlers } from "./journey-handlers";
import { createJobWorker, type JobWorker, type JobWorkerOptions } from "./worker";

export { enqueueJob } from "./queue";
export { createJobWorker, type JobWorker } from "./worker";
export { journeyJobHandlers } from "./journey-handlers";

export function startJourneyWorker(services: AppServices, options: JobWorkerOptions = {}): JobWorker {
  const worker = createJobWorker(services, journeyJobHandlers(), options);
  worker.start();
  return worker;
}
