/**
 * When a therapist can be booked. Hours are entered as wall-clock times in the therapist's own zone
 * (09:00–17:00 stays 09:00–17:00 across DST); everything leaving this module is a UTC instant.
 *
 * A day's availability is (weekly hours ∪ "extra" exceptions) minus "unavailable" exceptions. Unavailable
 * always wins, so a day off cannot be undone by an extra window entered by mistake on the same day.
 * A window cannot cross midnight; enter 22:00–24:00 and 00:00–02:00 instead (they merge into one).
 */
import { addCalendarDays, type IsoDate, isIsoDate, isoWeekday } from "./calendar-date";
import { DomainError, type FieldError } from "../domain-error";
import {
  assertInstant,
  isValidTimeZone,
  localDateOf,
  parseClockTime,
  startOfLocalDay,
  wallClockToInstant,
} from "./zoned-time";

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** ISO weekday (1 = Monday … 7 = Sunday) with wall-clock "HH:MM" times in the therapist's zone. */
export interface WeeklyHours {
  weekday: Weekday;
  start: string;
  end: string;
}

/** Without start/end an "unavailable" exception covers the whole day; "extra" always needs both. */
export interface AvailabilityException {
  date: IsoDate;
  kind: "unavailable" | "extra";
  start?: string;
  end?: string;
}

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface AvailabilityRules {
  weekly: readonly WeeklyHours[];
  exceptions: readonly AvailabilityException[];
  timeZone: string;
}

export interface SlotSettings {
  stepMinutes: number;
  minNoticeMinutes: number;
}

export const DEFAULT_SLOT_SETTINGS: SlotSettings = { stepMinutes: 30, minNoticeMinutes: 24 * 60 };

export interface OpenSlotsQuery extends AvailabilityRules {
  /** Slots whose start lies in [from, to) are returned; a slot may end after `to`. */
  from: Date;
  to: Date;
  durationMinutes: number;
  stepMinutes?: number;
  busy?: readonly TimeRange[];
  minNoticeMinutes?: number;
  now: Date;
}

const MINUTE = 60_000;

function checkWindow(start: string | undefined, end: string | undefined, path: string, errors: FieldError[]): void {
  const parsedStart = start === undefined ? null : parseClockTime(start);
  // 24:00 ends a day; it cannot start one.
  const startMinutes = parsedStart === 24 * 60 ? null : parsedStart;
  const endMinutes = end === undefined ? null : parseClockTime(end);
  if (startMinutes === null) {
    errors.push({ field: `${path}.start`, code: "INVALID_TIME", message: "Enter a start time as HH:MM" });
  }
  if (endMinutes === null) {
    errors.push({ field: `${path}.end`, code: "INVALID_TIME", message: "Enter an end time as HH:MM" });
  }
  if (startMinutes !== null && endMinutes !== null && endMinutes <= startMinutes) {
    errors.push({ field: `${path}.end`, code: "END_NOT_AFTER_START", message: "The end must be after the start" });
  }
}

/** Every problem with a therapist's hours, field paths matching the settings form. */
export function validateAvailabilityRules(rules: AvailabilityRules): FieldError[] {
  const errors: FieldError[] = [];
  if (!isValidTimeZone(rules.timeZone)) {
    errors.push({ field: "timeZone", code: "INVALID_TIME_ZONE", message: "Choose a time zone from the list" });
  }
  rules.weekly.forEach((hours, i) => {
    if (!Number.isInteger(hours.weekday) || hours.weekday < 1 || hours.weekday > 7) {
      errors.push({ field: `weekly.${i}.weekday`, code: "INVALID_WEEKDAY", message: "Choose a day of the week" });
    }
    checkWindow(hours.start, hours.end, `weekly.${i}`, errors);
  });
  rules.exceptions.forEach((exception, i) => {
    const path = `exceptions.${i}`;
    if (!isIsoDate(exception.date)) {
      errors.push({ field: `${path}.date`, code: "INVALID_DATE", message: "Enter a real date (YYYY-MM-DD)" });
    }
    if (exception.kind !== "unavailable" && exception.kind !== "extra") {
      errors.push({ field: `${path}.kind`, code: "INVALID_OPTION", message: "Choose unavailable or extra" });
    } else if (exception.kind === "unavailable" && exception.start === undefined && exception.end === undefined) {
      return;
    } else {
      checkWindow(exception.start, exception.end, path, errors);
    }
  });
  return errors;
}

function assertRules(rules: AvailabilityRules): void {
  const [first] = validateAvailabilityRules(rules);
  if (first) throw new DomainError(first.code, first.message, first.field);
}

type Span = [number, number];

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

function subtractSpans(spans: Span[], holes: Span[]): Span[] {
  let result = spans;
  for (const [holeStart, holeEnd] of holes) {
    result = result.flatMap(([start, end]): Span[] => {
      if (holeEnd <= start || holeStart >= end) return [[start, end]];
      const pieces: Span[] = [];
      if (holeStart > start) pieces.push([start, holeStart]);
      if (holeEnd < end) pieces.push([holeEnd, end]);
      return pieces;
    });
  }
  return result;
}

function localSpan(date: IsoDate, start: string, end: string, timeZone: string): Span {
  return [wallClockToInstant(date, start, timeZone).getTime(), wallClockToInstant(date, end, timeZone).getTime()];
}

/**
 * The therapist's merged working windows, as UTC ranges, for every local day that touches [from, to).
 * Windows are not clipped to the range, so callers can see a window's true extent.
 */
/** The longest range one availability question may cover (a booking horizon is at most a year). */
export const MAX_WINDOW_RANGE_DAYS = 400;

export function workingWindows(rules: AvailabilityRules, from: Date, to: Date): TimeRange[] {
  assertRules(rules);
  assertInstant(from, "from");
  assertInstant(to, "to");
  if (to.getTime() <= from.getTime()) return [];
  // Bounded by construction: the day loop below never runs more than this many times.
  if (to.getTime() - from.getTime() > MAX_WINDOW_RANGE_DAYS * 86_400_000) {
    throw new DomainError("RANGE_TOO_LONG", `Ask for at most ${MAX_WINDOW_RANGE_DAYS} days at a time`, "to");
  }
  const { timeZone } = rules;
  // One day of margin on each side: a window on the previous local day can still be open at `from`.
  const firstDay = addCalendarDays(localDateOf(from, timeZone), -1);
  const lastDay = addCalendarDays(localDateOf(to, timeZone), 1);

  const open: Span[] = [];
  const closed: Span[] = [];
  for (let day = firstDay; day <= lastDay; day = addCalendarDays(day, 1)) {
    const weekday = isoWeekday(day);
    for (const hours of rules.weekly) {
      if (hours.weekday === weekday) open.push(localSpan(day, hours.start, hours.end, timeZone));
    }
    for (const exception of rules.exceptions) {
      if (exception.date !== day) continue;
      if (exception.kind === "extra") {
        open.push(localSpan(day, exception.start as string, exception.end as string, timeZone));
      } else if (exception.start === undefined) {
        closed.push([startOfLocalDay(day, timeZone).getTime(), startOfLocalDay(addCalendarDays(day, 1), timeZone).getTime()]);
      } else {
        closed.push(localSpan(day, exception.start, exception.end as string, timeZone));
      }
    }
  }
  return subtractSpans(mergeSpans(open), closed)
    .filter(([start, end]) => end > from.getTime() && start < to.getTime())
    .map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

/** Half-open ranges: a session ending at 10:00 does not clash with one starting at 10:00. */
export function overlaps(a: TimeRange, b: TimeRange): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

function positiveMinutes(value: number, field: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new DomainError("INVALID_DURATION", "Must be a whole number of minutes greater than zero", field);
  }
}

/**
 * Bookable slots: inside one working window, clear of every busy range, starting at least
 * `minNoticeMinutes` after `now`. Starts step from each window's start in real minutes, so the grid stays
 * on 09:00, 09:30… of the therapist's clock even on DST days.
 */
export function openSlots(query: OpenSlotsQuery): TimeRange[] {
  const stepMinutes = query.stepMinutes ?? DEFAULT_SLOT_SETTINGS.stepMinutes;
  const minNoticeMinutes = query.minNoticeMinutes ?? DEFAULT_SLOT_SETTINGS.minNoticeMinutes;
  positiveMinutes(query.durationMinutes, "durationMinutes");
  positiveMinutes(stepMinutes, "stepMinutes");
  if (!Number.isInteger(minNoticeMinutes) || minNoticeMinutes < 0) {
    throw new DomainError("INVALID_DURATION", "Minimum notice must be a whole number of minutes ≥ 0", "minNoticeMinutes");
  }
  assertInstant(query.now, "now");
  const busy = query.busy ?? [];

  const duration = query.durationMinutes * MINUTE;
  const step = stepMinutes * MINUTE;
  const earliest = Math.max(query.from.getTime(), query.now.getTime() + minNoticeMinutes * MINUTE);
  const slots: TimeRange[] = [];
  for (const window of workingWindows(query, query.from, query.to)) {
    const windowStart = window.start.getTime();
    const lastStart = Math.min(window.end.getTime() - duration, query.to.getTime() - 1);
    // Jump straight to the first grid point at or after `earliest` instead of walking the whole window.
    const skip = Math.max(0, Math.ceil((earliest - windowStart) / step));
    for (let start = windowStart + skip * step; start <= lastStart; start += step) {
      const slot = { start: new Date(start), end: new Date(start + duration) };
      if (!busy.some((range) => overlaps(slot, range))) slots.push(slot);
    }
  }
  return slots;
}

export interface SlotCheck extends AvailabilityRules {
  start: Date;
  end: Date;
}

/** True when [start, end) lies entirely inside one of the therapist's working windows. */
export function isWithinAvailability(check: SlotCheck): boolean {
  assertInstant(check.start, "startsAt");
  assertInstant(check.end, "endsAt");
  if (check.end.getTime() <= check.start.getTime()) return false;
  return workingWindows(check, check.start, check.end).some(
    (window) => window.start.getTime() <= check.start.getTime() && check.end.getTime() <= window.end.getTime(),
  );
}

export interface BookableCheck extends SlotCheck {
  busy: readonly TimeRange[];
  now: Date;
  minNoticeMinutes?: number;
  /** A therapist booking their own time may go outside their published hours (which govern what others book). */
  outsideHoursAllowed?: boolean;
}

/** The checks a booking service runs on a chosen slot, each failure naming the `startsAt` field. */
export function assertSlotBookable(check: BookableCheck): void {
  assertInstant(check.start, "startsAt");
  assertInstant(check.end, "endsAt");
  assertInstant(check.now, "now");
  if (check.end.getTime() <= check.start.getTime()) {
    throw new DomainError("END_NOT_AFTER_START", "The end must be after the start", "endsAt");
  }
  const minNotice = check.minNoticeMinutes ?? DEFAULT_SLOT_SETTINGS.minNoticeMinutes;
  if (check.start.getTime() < check.now.getTime() + minNotice * MINUTE) {
    throw new DomainError("SLOT_TOO_SOON", `The slot must start at least ${minNotice} minutes from now`, "startsAt");
  }
  if (!check.outsideHoursAllowed && !isWithinAvailability(check)) {
    throw new DomainError("SLOT_OUTSIDE_AVAILABILITY", "The slot is outside the therapist's hours", "startsAt");
  }
  if (check.busy.some((range) => overlaps(check, range))) {
    throw new DomainError("SLOT_TAKEN", "The therapist already has an appointment at that time", "startsAt");
  }
}
