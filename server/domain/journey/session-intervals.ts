/**
 * Spacing of program sessions: the clinic wants 4–5 weeks between sessions so the patient has time to
 * practise the homework, hence each session 28–35 days after the previous.
 *
 * Days are calendar days on the therapist's wall calendar (the zone passed in), not multiples of 24 h:
 * a session at 10:00 four weeks later is 28 days even when a DST change made it 28 × 24 ± 1 hours.
 */
import { addCalendarDays, type IsoDate } from "./calendar-date";
import { type AvailabilityRules, openSlots, type TimeRange } from "./availability";
import { DomainError, type FieldError } from "../domain-error";
import {
  assertInstant,
  assertTimeZone,
  calendarDaysBetween,
  localDateOf,
  localMinutesOf,
  startOfLocalDay,
} from "./zoned-time";

export interface SessionIntervalSettings {
  minDays: number;
  maxDays: number;
}

export const DEFAULT_SESSION_INTERVALS: SessionIntervalSettings = { minDays: 28, maxDays: 35 };

export type IntervalViolationCode = "INTERVAL_TOO_SHORT" | "INTERVAL_TOO_LONG" | "SESSIONS_OUT_OF_ORDER";

export interface IntervalViolation {
  /** Index of the later session of the pair, as in the `sessions.<i>.startsAt` form field. */
  index: number;
  field: string;
  code: IntervalViolationCode;
  /** Calendar days since the previous session. */
  days: number;
  message: string;
}

export function sessionStartField(index: number): string {
  return `sessions.${index}.startsAt`;
}

function assertIntervalSettings(settings: SessionIntervalSettings): void {
  const { minDays, maxDays } = settings;
  if (!Number.isInteger(minDays) || !Number.isInteger(maxDays) || minDays < 1 || maxDays < minDays) {
    throw new DomainError("INVALID_SETTING", "Session interval must be whole days with 1 ≤ minimum ≤ maximum", "minDays");
  }
}

/** One entry per session (after the first) that breaks the spacing rule; empty when all is well. */
export function checkIntervals(
  dates: readonly Date[],
  settings: SessionIntervalSettings = DEFAULT_SESSION_INTERVALS,
  timeZone = "UTC",
): IntervalViolation[] {
  assertIntervalSettings(settings);
  assertTimeZone(timeZone);
  dates.forEach((date, i) => assertInstant(date, sessionStartField(i)));

  const violations: IntervalViolation[] = [];
  for (let i = 1; i < dates.length; i++) {
    const previous = dates[i - 1];
    const current = dates[i];
    const days = calendarDaysBetween(previous, current, timeZone);
    const field = sessionStartField(i);
    if (current.getTime() <= previous.getTime()) {
      violations.push({ index: i, field, code: "SESSIONS_OUT_OF_ORDER", days, message: `Session ${i + 1} must come after session ${i}` });
    } else if (days < settings.minDays) {
      violations.push({
        index: i,
        field,
        code: "INTERVAL_TOO_SHORT",
        days,
        message: `Session ${i + 1} is ${days} days after session ${i}; at least ${settings.minDays} are needed`,
      });
    } else if (days > settings.maxDays) {
      violations.push({
        index: i,
        field,
        code: "INTERVAL_TOO_LONG",
        days,
        message: `Session ${i + 1} is ${days} days after session ${i}; at most ${settings.maxDays} are allowed`,
      });
    }
  }
  return violations;
}

export interface AcceptedDeviation {
  index: number;
  code: IntervalViolationCode;
  days: number;
  reason: string;
}

export type ProposalValidation = { ok: true; deviations: AcceptedDeviation[] } | { ok: false; errors: FieldError[] };

/**
 * The planner may move a session outside 28–35 days (holidays, illness) but must say why, and the reason
 * is kept with the plan. Sessions in the wrong order are refused whatever the reason.
 */
export function validateProposal(
  dates: readonly Date[],
  adjustments: { reasons: Readonly<Record<number, string>> },
  settings: SessionIntervalSettings = DEFAULT_SESSION_INTERVALS,
  timeZone = "UTC",
): ProposalValidation {
  const errors: FieldError[] = [];
  const deviations: AcceptedDeviation[] = [];
  for (const violation of checkIntervals(dates, settings, timeZone)) {
    const reason = adjustments.reasons[violation.index]?.trim() ?? "";
    if (violation.code === "SESSIONS_OUT_OF_ORDER") {
      errors.push({ field: violation.field, code: violation.code, message: violation.message });
    } else if (reason === "") {
      errors.push({
        field: violation.field,
        code: violation.code,
        message: `${violation.message}. Give a reason to keep this date.`,
      });
    } else {
      deviations.push({ index: violation.index, code: violation.code, days: violation.days, reason });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, deviations };
}

export type TimeOfDay = "morning" | "afternoon" | "evening";

/** Start-time ranges on the patient's clock, in minutes after midnight, end exclusive. */
export const TIME_OF_DAY_RANGES: Record<TimeOfDay, { from: number; to: number }> = {
  morning: { from: 6 * 60, to: 12 * 60 },
  afternoon: { from: 12 * 60, to: 17 * 60 },
  evening: { from: 17 * 60, to: 22 * 60 },
};

export interface SessionPlanSettings extends SessionIntervalSettings {
  /** How many days from `firstEarliest` the first session may be searched for. */
  firstSessionSearchDays: number;
}

export const DEFAULT_SESSION_PLAN_SETTINGS: SessionPlanSettings = { ...DEFAULT_SESSION_INTERVALS, firstSessionSearchDays: 14 };

export interface SessionPlanRequest extends AvailabilityRules {
  count?: number;
  /** No session before this instant (e.g. the eligibility date, or the end of the proposal week). */
  firstEarliest: Date;
  /** The last session already held or planned, when planning module 2 or an extension. */
  previousSessionAt?: Date;
  durationMinutes?: number;
  stepMinutes?: number;
  busy?: readonly TimeRange[];
  minNoticeMinutes?: number;
  now: Date;
  preferredTimeOfDay?: TimeOfDay;
  patientTimeZone: string;
  settings?: SessionPlanSettings;
}

export const DEFAULT_PLAN_COUNT = 6;
export const DEFAULT_SESSION_MINUTES = 90;

/**
 * Proposes `count` session starts (UTC), each `minDays`–`maxDays` calendar days after the previous on the
 * therapist's calendar, inside the therapist's hours and clear of busy ranges.
 *
 * Preference order for each session: a day offering a slot in the patient's preferred time of day beats a
 * day that does not, then the earlier day wins; within the day the earliest fitting slot is taken. If a
 * choice leaves no room for a later session the search backtracks. Whether a later session fits depends
 * only on the previous session's date, so failures are memoised per (session, date) and the search stays
 * linear in the number of candidate days.
 */
export function proposeSessionPlan(request: SessionPlanRequest): Date[] {
  const count = request.count ?? DEFAULT_PLAN_COUNT;
  const settings = request.settings ?? DEFAULT_SESSION_PLAN_SETTINGS;
  const durationMinutes = request.durationMinutes ?? DEFAULT_SESSION_MINUTES;
  if (!Number.isInteger(count) || count < 1) {
    throw new DomainError("INVALID_COUNT", "The number of sessions must be a whole number ≥ 1", "count");
  }
  assertIntervalSettings(settings);
  if (!Number.isInteger(settings.firstSessionSearchDays) || settings.firstSessionSearchDays < 1) {
    throw new DomainError("INVALID_SETTING", "The first-session search must cover at least one day", "firstSessionSearchDays");
  }
  assertTimeZone(request.patientTimeZone, "patientTimeZone");
  assertTimeZone(request.timeZone, "timeZone");
  assertInstant(request.firstEarliest, "firstEarliest");
  if (request.previousSessionAt) assertInstant(request.previousSessionAt, "previousSessionAt");
  const { timeZone } = request;
  const preferred = request.preferredTimeOfDay ? TIME_OF_DAY_RANGES[request.preferredTimeOfDay] : undefined;

  const isPreferred = (slot: TimeRange): boolean => {
    if (!preferred) return true;
    const minutes = localMinutesOf(slot.start, request.patientTimeZone);
    return minutes >= preferred.from && minutes < preferred.to;
  };

  // Candidate windows of neighbouring sessions overlap by days, so each day is looked at once.
  const bestByDay = new Map<IsoDate, { start: Date; preferred: boolean } | undefined>();
  const bestSlotOn = (day: IsoDate): { start: Date; preferred: boolean } | undefined => {
    if (!bestByDay.has(day)) bestByDay.set(day, findBestSlotOn(day));
    return bestByDay.get(day);
  };
  const findBestSlotOn = (day: IsoDate): { start: Date; preferred: boolean } | undefined => {
    const from = new Date(Math.max(startOfLocalDay(day, timeZone).getTime(), request.firstEarliest.getTime()));
    const to = startOfLocalDay(addCalendarDays(day, 1), timeZone);
    if (to.getTime() <= from.getTime()) return undefined;
    const slots = openSlots({ ...request, from, to, durationMinutes });
    const slot = slots.find(isPreferred) ?? slots[0];
    return slot && { start: slot.start, preferred: isPreferred(slot) };
  };

  const candidatesAfter = (previous: Date | undefined): Date[] => {
    let firstDay: IsoDate;
    let lastDay: IsoDate;
    if (previous) {
      const previousDay = localDateOf(previous, timeZone);
      firstDay = addCalendarDays(previousDay, settings.minDays);
      lastDay = addCalendarDays(previousDay, settings.maxDays);
    } else {
      firstDay = localDateOf(request.firstEarliest, timeZone);
      lastDay = addCalendarDays(firstDay, settings.firstSessionSearchDays - 1);
    }
    const found: { start: Date; preferred: boolean }[] = [];
    for (let day = firstDay; day <= lastDay; day = addCalendarDays(day, 1)) {
      const slot = bestSlotOn(day);
      if (slot) found.push(slot);
    }
    // Stable sort keeps days chronological within each group.
    return found.sort((a, b) => Number(b.preferred) - Number(a.preferred)).map((slot) => slot.start);
  };

  const deadEnds = new Set<string>();
  const search = (index: number, previous: Date | undefined): Date[] | undefined => {
    if (index === count) return [];
    const key = `${index}:${previous ? localDateOf(previous, timeZone) : "-"}`;
    if (deadEnds.has(key)) return undefined;
    for (const start of candidatesAfter(previous)) {
      const rest = search(index + 1, start);
      if (rest) return [start, ...rest];
    }
    deadEnds.add(key);
    return undefined;
  };

  const plan = search(0, request.previousSessionAt);
  if (!plan) {
    throw new DomainError(
      "NO_PLAN_FOUND",
      `No ${count} sessions ${settings.minDays}–${settings.maxDays} days apart fit the therapist's hours; ` +
        "add availability or choose the dates by hand",
      "sessions",
    );
  }
  return plan;
}
