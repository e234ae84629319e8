import type { JobHandlers } from "./worker";

/** Jobs of the homework area (homework e-mail after a session, practice reminders). */
export function homeworkJobHandlers(): JobHandlers {
  return {};
}
