/**
 * Boot entry for the job worker (server/main.ts: start after migrations, `await worker.stop()` on
 * shutdown). Jobs live in the database, so anything due while the process was down runs at the next start.
 */
import type { AppServices } from "../services/context";
import { createJobWorker, type JobHandlers, type JobWorker, type JobWorkerOptions } from "./worker";

export { enqueueJob } from "./queue";
export { createJobWorker, type JobWorker } from "./worker";

export function startJobWorker(services: AppServices, handlers: JobHandlers, options: JobWorkerOptions = {}): JobWorker {
  const worker = createJobWorker(services, handlers, options);
  worker.start();
  return worker;
}
