import { homeworkJobHandlers } from "./services/homework/job-handlers";
import { diaryJobHandlers } from "./services/diary/job-handlers";
import { journeyJobHandlers } from "./services/journey/job-handlers";
import { trustJobHandlers } from "./services/trust-job-handlers";
import type { JobHandlers } from "./jobs/worker";

/**
 * Every job kind the worker runs, assembled at boot from the handlers that live beside their services
 * (server/jobs/ itself is only the queue and the worker, below the services).
 */
export function allJobHandlers(): JobHandlers {
  return { ...journeyJobHandlers(), ...homeworkJobHandlers(), ...diaryJobHandlers(), ...trustJobHandlers() };
}
