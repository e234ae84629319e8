/**
 * Practice adherence: the program asks for two practices a day of 15–20 minutes. Pure: days are
 * calendar days in the patient's own zone, so a practice at 23:30 in Auckland counts for that day.
 */
import { DateTime } from "luxon";

export const PRACTICES_PER_DAY_TARGET = 2;

/** The longest history one summary covers (a program lasts months, not years). */
export const MAX_ADHERENCE_DAYS = 400;

export interface PracticeEntry {
  practisedAt: Date;
  minutes: number;
}

export interface DayAdherence {
  /** "YYYY-MM-DD" in the patient's zone. */
  date: string;
  practices: number;
  minutes: number;
}

/** The calendar day of `at` in `timeZone`; an unknown zone is an error, never an empty day. */
export function localDate(at: Date, timeZone: string): string {
  const date = DateTime.fromJSDate(at, { zone: timeZone }).toISODate();
  if (date === null) throw new RangeError(`Not a known time zone or instant: ${timeZone.slice(0, 64)}`);
  return date;
}

/** One entry per calendar day, oldest first, ending with today (in `timeZone`). */
export function adherenceByDay(entries: readonly PracticeEntry[], options: { now: Date; timeZone: string; days: number }): DayAdherence[] {
  const today = DateTime.fromISO(localDate(options.now, options.timeZone), { zone: "UTC" });
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_ADHERENCE_DAYS) throw new RangeError(`Adherence covers 1 to ${MAX_ADHERENCE_DAYS} days`);
  const days: DayAdherence[] = [];
  const index = new Map<string, DayAdherence>();
  for (let i = options.days - 1; i >= 0; i--) {
    const date = today.minus({ days: i }).toISODate() as string;
    const day = { date, practices: 0, minutes: 0 };
    days.push(day);
    index.set(date, day);
  }
  for (const entry of entries) {
    const day = index.get(localDate(entry.practisedAt, options.timeZone));
    if (!day) continue;
    day.practices += 1;
    day.minutes += entry.minutes;
  }
  return days;
}

/**
 * Days in a row with at least one practice, up to today; a day not practised *yet* today does not
 * break the streak (it counts up to yesterday then).
 */
export function practiceStreak(entries: readonly PracticeEntry[], options: { now: Date; timeZone: string }): number {
  const practised = new Set(entries.map((e) => localDate(e.practisedAt, options.timeZone)));
  let day = localDate(options.now, options.timeZone);
  if (!practised.has(day)) day = previousDay(day);
  // Bounded by construction: a streak cannot be longer than the number of days practised.
  let streak = 0;
  while (streak < practised.size && practised.has(day)) {
    streak += 1;
    day = previousDay(day);
  }
  return streak;
}

function previousDay(isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).minus({ days: 1 }).toISODate() as string;
}

export interface AdherenceSummary {
  days: DayAdherence[];
  streak: number;
  /** The last 7 days (today included): days with at least the target number of practices. */
  weekDaysOnTarget: number;
  weekPractices: number;
  todayPractices: number;
}

export function summariseAdherence(entries: readonly PracticeEntry[], options: { now: Date; timeZone: string; days: number }): AdherenceSummary {
  const days = adherenceByDay(entries, options);
  const week = days.slice(-7);
  return {
    days,
    streak: practiceStreak(entries, options),
    weekDaysOnTarget: week.filter((d) => d.practices >= PRACTICES_PER_DAY_TARGET).length,
    weekPractices: week.reduce((sum, d) => sum + d.practices, 0),
    todayPractices: days[days.length - 1]?.practices ?? 0,
  };
}

/** When a daily reminder for `localTime` ("HH:MM") falls next, strictly after `now`, in `timeZone`. */
export function nextReminderAt(localTime: string, timeZone: string, now: Date): Date {
  const [hour, minute] = localTime.split(":").map(Number);
  let at = DateTime.fromJSDate(now, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 });
  if (at.toMillis() <= now.getTime()) at = at.plus({ days: 1 }).set({ hour, minute });
  return at.toJSDate();
}
