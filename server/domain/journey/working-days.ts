/**
 * Working-day arithmetic for deadlines such as "the planner proposes the first six dates within one
 * working week" (5 working days, Monday–Friday in the clinic's zone, optional clinic holidays).
 */
import { DateTime } from "luxon";
import { type IsoDate, isIsoDate } from "./calendar-date";
import { DomainError } from "../domain-error";
import { assertInstant, assertTimeZone } from "./zoned-time";

export const WORKING_DAYS_PER_WEEK = 5;

export function isWorkingDay(date: IsoDate, holidays: readonly IsoDate[] = []): boolean {
  const weekday = DateTime.fromISO(date, { zone: "UTC" }).weekday;
  return weekday <= 5 && !holidays.includes(date);
}

/**
 * Moves `n` working days forward (or back for negative `n`) and keeps the wall-clock time in `timeZone`:
 * Friday 15:00 + 5 → next Friday 15:00; Saturday 10:00 + 1 → Monday 10:00. n = 0 returns `date` as is,
 * even on a weekend.
 */
export function addWorkingDays(date: Date, n: number, timeZone: string, holidays: readonly IsoDate[] = []): Date {
  assertInstant(date, "date");
  assertTimeZone(timeZone);
  if (!Number.isInteger(n)) throw new DomainError("INVALID_NUMBER", "Working days must be a whole number", "n");
  holidays.forEach((holiday, i) => {
    if (!isIsoDate(holiday)) throw new DomainError("INVALID_DATE", `Not a calendar date: ${holiday}`, `holidays.${i}`);
  });

  const direction = Math.sign(n);
  let remaining = Math.abs(n);
  let current = DateTime.fromJSDate(date, { zone: timeZone });
  while (remaining > 0) {
    current = current.plus({ days: direction });
    if (isWorkingDay(current.toISODate() as IsoDate, holidays)) remaining--;
  }
  return current.toJSDate();
}

export interface PlanDeadlineSettings {
  planProposalWorkingDays: number;
}

export const DEFAULT_PLAN_DEADLINE_SETTINGS: PlanDeadlineSettings = { planProposalWorkingDays: WORKING_DAYS_PER_WEEK };

/** When the planning desk's proposal of session dates is due after enrolment. */
export function planProposalDueAt(
  enrolledAt: Date,
  timeZone: string,
  settings: PlanDeadlineSettings = DEFAULT_PLAN_DEADLINE_SETTINGS,
  holidays: readonly IsoDate[] = [],
): Date {
  return addWorkingDays(enrolledAt, settings.planProposalWorkingDays, timeZone, holidays);
}
