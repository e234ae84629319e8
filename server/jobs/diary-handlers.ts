import type { JobHandlers } from "./worker";

/** Jobs of the diary area (diary-due reminders). */
export function diaryJobHandlers(): JobHandlers {
  return {};
}
