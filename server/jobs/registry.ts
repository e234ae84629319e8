import { homeworkJobHandlers } from "./homework-handlers";
import { diaryJobHandlers } from "./diary-handlers";
import { journeyJobHandlers } from "./journey-handlers";
import { trustJobHandlers } from "./trust-handlers";
import type { JobHandlers } from "./worker";

/** Every job kind the worker runs, by area. */
export function allJobHandlers(): JobHandlers {
  return { ...journeyJobHandlers(), ...homeworkJobHandlers(), ...diaryJobHandlers(), ...trustJobHandlers() };
}
