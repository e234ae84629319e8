/**
 * Boot entry for the job worker (server/main.ts: start after migrations, `await worker.stop()` on
 * shutdown). Jobs live in the database, so anything due while the process was down runs at the next start.
 */
import type { AppServices } from "../services/context";
import { allJobHandlers } from "./registry";
import { createJobWorker, type JobWorker, type JobWorkerOptions } from "./worker";

export { enqueueJob } from "./queue";
export { createJobWorker, type JobWorker } from "./worker";
export { journeyJobHandlers } from "./journey-handlers";

export function startJobWorker(services: AppServices, options: JobWorkerOptions = {}): JobWorker {
  const worker = createJobWorker(services, allJobHandlers(), options);
  worker.start();
  return worker;
}
