import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { AvailabilityException, WeeklyHours } from "./availability";
import {
  checkIntervals,
  DEFAULT_SESSION_PLAN_SETTINGS,
  proposeSessionPlan,
  type SessionPlanRequest,
  sessionStartField,
  validateProposal,
} from "./session-intervals";
import { localMinutesOf, wallClockToInstant } from "./zoned-time";

const SOFIA = "Europe/Sofia";
const at = (date: string, time = "10:00", zone = SOFIA) => wallClockToInstant(date, time, zone);
const show = (dates: Date[], zone = SOFIA) =>
  dates.map((date) => DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd ccc HH:mm"));
const weekdays = (start: string, end: string): WeeklyHours[] =>
  ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start, end }));

describe("checkIntervals (28–35 calendar days)", () => {
  it.each<[string, string[], [number, string, number][]]>([
    ["exactly 28 and 35 days", ["2025-06-02", "2025-06-30", "2025-08-04"], []],
    ["27 days is too short", ["2025-06-02", "2025-06-29"], [[1, "INTERVAL_TOO_SHORT", 27]]],
    ["36 days is too long", ["2025-06-02", "2025-07-08"], [[1, "INTERVAL_TOO_LONG", 36]]],
    ["same day, later hour", ["2025-06-02", "2025-06-02T15"], [[1, "INTERVAL_TOO_SHORT", 0]]],
    ["earlier than the previous", ["2025-06-30", "2025-06-02"], [[1, "SESSIONS_OUT_OF_ORDER", -28]]],
    ["identical starts", ["2025-06-02", "2025-06-02"], [[1, "SESSIONS_OUT_OF_ORDER", 0]]],
    [
      "reports each offending session",
      ["2025-06-02", "2025-06-30", "2025-07-20", "2025-08-17", "2025-10-01"],
      [
        [2, "INTERVAL_TOO_SHORT", 20],
        [4, "INTERVAL_TOO_LONG", 45],
      ],
    ],
    ["a single session", ["2025-06-02"], []],
    ["no sessions", [], []],
  ])("%s", (_label, days, expected) => {
    const dates = days.map((day) => (day.includes("T") ? at(day.slice(0, 10), `${day.slice(11)}:00`) : at(day)));
    const violations = checkIntervals(dates, undefined, SOFIA);
    expect(violations.map((v) => [v.index, v.code, v.days])).toEqual(expected);
    for (const violation of violations) {
      expect(violation.field).toBe(`sessions.${violation.index}.startsAt`);
      expect(violation.message).toMatch(/Session \d/);
    }
  });

  it("counts calendar days across the DST change (671 or 673 hours are still 28 days)", () => {
    expect(checkIntervals([at("2025-03-10"), at("2025-04-07")], undefined, SOFIA)).toEqual([]);
    expect(checkIntervals([at("2025-10-13"), at("2025-11-10")], undefined, SOFIA)).toEqual([]);
    // The same instants read on a UTC calendar.
    expect(checkIntervals([at("2025-03-10"), at("2025-04-07")])).toEqual([]);
  });

  it("counts days on the calendar it is given", () => {
    const dates = [new Date("2025-06-01T22:30:00Z"), new Date("2025-06-30T00:30:00Z")];
    expect(checkIntervals(dates, undefined, "UTC").map((v) => v.days)).toEqual([]); // 29 days in UTC
    expect(checkIntervals(dates, undefined, SOFIA)).toEqual([]); // 28 days in Sofia (2 → 30 June)
    expect(checkIntervals(dates, { minDays: 29, maxDays: 35 }, SOFIA).map((v) => v.code)).toEqual(["INTERVAL_TOO_SHORT"]);
  });

  it("uses configured bounds", () => {
    expect(checkIntervals([at("2025-06-02"), at("2025-06-16")], { minDays: 14, maxDays: 14 })).toEqual([]);
    expect(checkIntervals([at("2025-06-02"), at("2025-06-17")], { minDays: 14, maxDays: 14 })).toHaveLength(1);
  });

  it.each([
    { minDays: 0, maxDays: 35 },
    { minDays: 30, maxDays: 28 },
    { minDays: 28.5, maxDays: 35 },
  ])("refuses settings %j", (settings) => {
    expect(() => checkIntervals([], settings)).toThrow(expect.objectContaining({ code: "INVALID_SETTING" }));
  });

  it("refuses invalid dates and zones, naming the field", () => {
    expect(() => checkIntervals([at("2025-06-02"), new Date(Number.NaN)])).toThrow(
      expect.objectContaining({ code: "INVALID_DATE", field: "sessions.1.startsAt" }),
    );
    expect(() => checkIntervals([], undefined, "Nowhere")).toThrow(expect.objectContaining({ code: "INVALID_TIME_ZONE" }));
  });

  it("names form fields", () => {
    expect(sessionStartField(3)).toBe("sessions.3.startsAt");
  });
});

describe("validateProposal (planner adjustments need a reason)", () => {
  const dates = [at("2025-06-02"), at("2025-06-25"), at("2025-08-04"), at("2025-09-01")];

  it("passes a plan without violations and keeps nothing", () => {
    expect(validateProposal([at("2025-06-02"), at("2025-06-30")], { reasons: {} }, undefined, SOFIA)).toEqual({
      ok: true,
      deviations: [],
    });
  });

  it("refuses every violation without a reason, on its own field", () => {
    const result = validateProposal(dates, { reasons: { 2: "   " } }, undefined, SOFIA);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: "sessions.1.startsAt", code: "INTERVAL_TOO_SHORT", message: expect.stringMatching(/reason/) },
        { field: "sessions.2.startsAt", code: "INTERVAL_TOO_LONG", message: expect.stringMatching(/reason/) },
      ],
    });
  });

  it("refuses only the violations lacking a reason", () => {
    const result = validateProposal(dates, { reasons: { 1: "Therapist at a congress" } }, undefined, SOFIA);
    expect(result.ok === false && result.errors.map((e) => e.field)).toEqual(["sessions.2.startsAt"]);
  });

  it("accepts deviations with reasons and returns them to be recorded", () => {
    const result = validateProposal(
      dates,
      { reasons: { 1: " Therapist at a congress ", 2: "Patient on holiday", 3: "not needed" } },
      undefined,
      SOFIA,
    );
    expect(result).toEqual({
      ok: true,
      deviations: [
        { index: 1, code: "INTERVAL_TOO_SHORT", days: 23, reason: "Therapist at a congress" },
        { index: 2, code: "INTERVAL_TOO_LONG", days: 40, reason: "Patient on holiday" },
      ],
    });
  });

  it("refuses sessions out of order whatever the reason", () => {
    const result = validateProposal([at("2025-06-30"), at("2025-06-02")], { reasons: { 1: "because" } }, undefined, SOFIA);
    expect(result).toEqual({
      ok: false,
      errors: [{ field: "sessions.1.startsAt", code: "SESSIONS_OUT_OF_ORDER", message: expect.any(String) }],
    });
  });
});

const NOW = new Date("2025-05-01T00:00:00Z");

function plan(overrides: Partial<SessionPlanRequest> = {}): SessionPlanRequest {
  return {
    weekly: weekdays("09:00", "17:00"),
    exceptions: [],
    timeZone: SOFIA,
    firstEarliest: at("2025-06-02", "00:00"),
    busy: [],
    minNoticeMinutes: 24 * 60,
    now: NOW,
    patientTimeZone: SOFIA,
    ...overrides,
  };
}

describe("proposeSessionPlan", () => {
  it("proposes six 90-minute sessions, each 28 days after the previous, at the earliest time", () => {
    const starts = proposeSessionPlan(plan());
    expect(show(starts)).toEqual([
      "2025-06-02 Mon 09:00",
      "2025-06-30 Mon 09:00",
      "2025-07-28 Mon 09:00",
      "2025-08-25 Mon 09:00",
      "2025-09-22 Mon 09:00",
      "2025-10-20 Mon 09:00",
    ]);
    expect(starts[0].toISOString()).toBe("2025-06-02T06:00:00.000Z");
    expect(checkIntervals(starts, undefined, SOFIA)).toEqual([]);
  });

  it("keeps the therapist's local time across the DST changes", () => {
    const starts = proposeSessionPlan(plan({ firstEarliest: at("2025-02-03", "00:00"), now: new Date("2025-01-01T00:00:00Z"), count: 10 }));
    expect(show(starts).every((label) => label.endsWith("09:00"))).toBe(true);
    const utcHours = starts.map((d) => d.getUTCHours());
    expect(utcHours).toContain(7); // winter, UTC+2
    expect(utcHours).toContain(6); // summer, UTC+3
    expect(checkIntervals(starts, undefined, SOFIA)).toEqual([]);
  });

  it("prefers the patient's time of day on the patient's own clock", () => {
    // 06:00–12:00 in New York is 13:00–19:00 in Sofia; the therapist works until 17:00.
    const starts = proposeSessionPlan(plan({ patientTimeZone: "America/New_York", preferredTimeOfDay: "morning" }));
    expect(show(starts)[0]).toBe("2025-06-02 Mon 13:00");
    for (const start of starts) {
      const minutes = localMinutesOf(start, "America/New_York");
      expect(minutes).toBeGreaterThanOrEqual(6 * 60);
      expect(minutes).toBeLessThan(12 * 60);
    }
    expect(checkIntervals(starts, undefined, SOFIA)).toEqual([]);
  });

  it("prefers a later day in the window that offers the preferred time over an earlier day that does not", () => {
    const starts = proposeSessionPlan(
      plan({
        weekly: [
          { weekday: 1, start: "09:00", end: "12:00" },
          { weekday: 3, start: "14:00", end: "20:00" },
        ],
        preferredTimeOfDay: "evening",
        count: 3,
      }),
    );
    expect(show(starts)).toEqual(["2025-06-04 Wed 17:00", "2025-07-02 Wed 17:00", "2025-07-30 Wed 17:00"]);
  });

  it("falls back to the earliest slot when the preferred time is never available", () => {
    const starts = proposeSessionPlan(plan({ patientTimeZone: "America/New_York", preferredTimeOfDay: "evening", count: 2 }));
    expect(show(starts)).toEqual(["2025-06-02 Mon 09:00", "2025-06-30 Mon 09:00"]);
  });

  it("moves to the next day when the earliest day is booked, and around busy hours", () => {
    const starts = proposeSessionPlan(
      plan({
        count: 2,
        busy: [
          { start: at("2025-06-02", "00:00"), end: at("2025-06-03", "00:00") },
          { start: at("2025-07-01", "08:00"), end: at("2025-07-01", "12:00") },
        ],
        exceptions: [{ date: "2025-06-30", kind: "unavailable" }],
      }),
    );
    expect(show(starts)).toEqual(["2025-06-03 Tue 09:00", "2025-07-01 Tue 12:00"]);
  });

  it("starts no earlier than firstEarliest and respects the notice period", () => {
    expect(show(proposeSessionPlan(plan({ count: 1, firstEarliest: at("2025-06-02", "12:10") })))).toEqual(["2025-06-02 Mon 12:30"]);
    expect(show(proposeSessionPlan(plan({ count: 1, now: at("2025-06-02", "10:00") })))).toEqual(["2025-06-03 Tue 10:00"]);
  });

  it("backtracks when the earliest first session leaves no room for the next", () => {
    // Only a few days are open at all. Starting on 2 June would need a day between 30 June and 7 July;
    // only 9 July is open, which 5 June reaches (28–35 days later).
    const extra = (date: string): AvailabilityException => ({ date, kind: "extra", start: "10:00", end: "12:00" });
    const starts = proposeSessionPlan(
      plan({ weekly: [], exceptions: ["2025-06-02", "2025-06-05", "2025-07-09", "2025-08-06"].map(extra), count: 3 }),
    );
    expect(show(starts)).toEqual(["2025-06-05 Thu 10:00", "2025-07-09 Wed 10:00", "2025-08-06 Wed 10:00"]);
  });

  it("plans module 2 from the last session held", () => {
    const starts = proposeSessionPlan(
      plan({ previousSessionAt: at("2025-10-20", "09:00"), firstEarliest: at("2025-11-01", "00:00"), now: at("2025-10-25", "09:00") }),
    );
    expect(show(starts)[0]).toBe("2025-11-17 Mon 09:00");
    expect(checkIntervals([at("2025-10-20", "09:00"), ...starts], undefined, SOFIA)).toEqual([]);
  });

  it("honours custom counts, durations and settings", () => {
    const starts = proposeSessionPlan(
      plan({
        count: 3,
        durationMinutes: 30,
        weekly: [{ weekday: 5, start: "16:00", end: "16:30" }],
        settings: { minDays: 7, maxDays: 7, firstSessionSearchDays: 7 },
      }),
    );
    expect(show(starts)).toEqual(["2025-06-06 Fri 16:00", "2025-06-13 Fri 16:00", "2025-06-20 Fri 16:00"]);
  });

  it("throws NO_PLAN_FOUND when the sessions cannot fit", () => {
    expect(() => proposeSessionPlan(plan({ weekly: [] }))).toThrow(
      expect.objectContaining({ name: "DomainError", code: "NO_PLAN_FOUND", field: "sessions" }),
    );
    // The first session fits, but no later one can be 28–35 days after it.
    expect(() =>
      proposeSessionPlan(plan({ weekly: [], exceptions: [{ date: "2025-06-02", kind: "extra", start: "09:00", end: "12:00" }] })),
    ).toThrow(expect.objectContaining({ code: "NO_PLAN_FOUND" }));
  });

  it("does not search beyond the first-session window", () => {
    const late = at("2025-06-02", "00:00").getTime() + DEFAULT_SESSION_PLAN_SETTINGS.firstSessionSearchDays * 86_400_000;
    expect(() =>
      proposeSessionPlan(plan({ count: 1, busy: [{ start: at("2025-06-01", "00:00"), end: new Date(late) }] })),
    ).toThrow(expect.objectContaining({ code: "NO_PLAN_FOUND" }));
  });

  it("gives up quickly on a long impossible plan", () => {
    const started = Date.now();
    expect(() => proposeSessionPlan(plan({ count: 12, settings: { minDays: 28, maxDays: 35, firstSessionSearchDays: 60 }, exceptions: [
      // Close the whole of one month so the last sessions can never be placed.
      ...Array.from({ length: 400 }, (_, i): AvailabilityException => ({
        date: DateTime.fromISO("2026-01-01").plus({ days: i }).toISODate() as string,
        kind: "unavailable",
      })),
    ] }))).toThrow(expect.objectContaining({ code: "NO_PLAN_FOUND" }));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each<[string, Partial<SessionPlanRequest>, string, string]>([
    ["a count of 0", { count: 0 }, "INVALID_COUNT", "count"],
    ["an unknown patient zone", { patientTimeZone: "Moon/Base" }, "INVALID_TIME_ZONE", "patientTimeZone"],
    ["an unknown therapist zone", { timeZone: "Moon/Base" }, "INVALID_TIME_ZONE", "timeZone"],
    ["min > max", { settings: { minDays: 36, maxDays: 35, firstSessionSearchDays: 14 } }, "INVALID_SETTING", "minDays"],
    ["no search days", { settings: { minDays: 28, maxDays: 35, firstSessionSearchDays: 0 } }, "INVALID_SETTING", "firstSessionSearchDays"],
    ["an invalid earliest date", { firstEarliest: new Date(Number.NaN) }, "INVALID_DATE", "firstEarliest"],
  ])("refuses %s", (_label, change, code, field) => {
    expect(() => proposeSessionPlan(plan(change))).toThrow(expect.objectContaining({ code, field }));
  });
});
