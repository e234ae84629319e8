/**
 * Time-zone helpers. Instants are `Date` (UTC); wall-clock times belong to a named IANA zone. Luxon does
 * the zone math so DST gaps and overlaps follow the tz database rather than hand-written offsets.
 *
 * Wall-clock times that do not exist (the hour skipped when clocks go forward) move forward to the first
 * valid instant; times that occur twice (when clocks go back) resolve to the later, standard-time
 * instant. Both are luxon's documented behaviour.
 */
import { DateTime } from "luxon";
import { isValidTimeZone } from "../time-zone";
import { addCalendarDays, type IsoDate, parseIsoDate } from "./calendar-date";
import { DomainError } from "../domain-error";

export { isValidTimeZone } from "../time-zone";

export function assertTimeZone(value: unknown, field = "timeZone"): asserts value is string {
  if (!isValidTimeZone(value)) {
    throw new DomainError("INVALID_TIME_ZONE", `Unknown time zone: ${String(value)}`, field);
  }
}

export function assertInstant(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DomainError("INVALID_DATE", "Not a valid date and time", field);
  }
}

/** "HH:MM" → minutes after midnight; "24:00" is allowed so a window can run to the end of the day. */
export function parseClockTime(value: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0) return 24 * 60;
  if (hours > 23) return null;
  return hours * 60 + minutes;
}

function dateTimeIn(timeZone: string, date: IsoDate): DateTime {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new DomainError("INVALID_DATE", `Not a calendar date: ${date}`, "date");
  return DateTime.fromObject(parsed, { zone: timeZone });
}

/** The instant at which the wall clock in `timeZone` shows `time` on `date`. */
export function wallClockToInstant(date: IsoDate, time: string, timeZone: string): Date {
  const minutes = parseClockTime(time);
  if (minutes === null) throw new DomainError("INVALID_TIME", `Not a time of day (HH:MM): ${time}`, "time");
  if (minutes === 24 * 60) return startOfLocalDay(addCalendarDays(date, 1), timeZone);
  const day = parseIsoDate(date);
  if (!day) throw new DomainError("INVALID_DATE", `Not a calendar date: ${date}`, "date");
  return DateTime.fromObject(
    { ...day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: timeZone },
  ).toJSDate();
}

export function startOfLocalDay(date: IsoDate, timeZone: string): Date {
  // Not always 00:00: where DST starts at midnight the day begins at 01:00.
  return dateTimeIn(timeZone, date).startOf("day").toJSDate();
}

/** The calendar date the wall clock in `timeZone` shows at `instant`. */
export function localDateOf(instant: Date, timeZone: string): IsoDate {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() as IsoDate;
}

/** Minutes after local midnight shown by the wall clock in `timeZone` at `instant`. */
export function localMinutesOf(instant: Date, timeZone: string): number {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return local.hour * 60 + local.minute;
}

/** "Today" for someone in `timeZone`: what a patient in Auckland and one in Lisbon call today differs. */
export function todayIn(timeZone: string, now: Date): IsoDate {
  return localDateOf(now, timeZone);
}

/** Calendar days between two instants as seen on one wall calendar (DST-proof, unlike ms / 86 400 000). */
export function calendarDaysBetween(from: Date, to: Date, timeZone: string): number {
  const a = DateTime.fromJSDate(from, { zone: timeZone }).startOf("day");
  const b = DateTime.fromJSDate(to, { zone: timeZone }).startOf("day");
  return Math.round(b.diff(a, "days").days);
}

/** Same wall-clock time `days` calendar days later (or earlier) in `timeZone`. */
export function plusCalendarDays(instant: Date, days: number, timeZone: string): Date {
  return DateTime.fromJSDate(instant, { zone: timeZone }).plus({ days }).toJSDate();
}
