import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  type AvailabilityException,
  type AvailabilityRules,
  assertSlotBookable,
  isWithinAvailability,
  openSlots,
  type OpenSlotsQuery,
  overlaps,
  type TimeRange,
  validateAvailabilityRules,
  type WeeklyHours,
  workingWindows,
} from "./availability";
import { wallClockToInstant } from "./zoned-time";

const SOFIA = "Europe/Sofia";
const at = (date: string, time: string, zone = SOFIA) => wallClockToInstant(date, time, zone);
const utc = (iso: string) => new Date(iso);
// Readable expectations: a slot as "YYYY-MM-DD HH:mm" on the therapist's clock.
const show = (slots: TimeRange[], zone = SOFIA) =>
  slots.map((slot) => DateTime.fromJSDate(slot.start, { zone }).toFormat("yyyy-LL-dd HH:mm"));

const weekdays = (start: string, end: string): WeeklyHours[] =>
  ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start, end }));
const everyDay = (start: string, end: string): WeeklyHours[] =>
  ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start, end }));

const LONG_AGO = utc("2000-01-01T00:00:00Z");

function query(overrides: Partial<OpenSlotsQuery> & Pick<OpenSlotsQuery, "from" | "to">): OpenSlotsQuery {
  return {
    weekly: weekdays("09:00", "17:00"),
    exceptions: [],
    timeZone: SOFIA,
    durationMinutes: 90,
    stepMinutes: 30,
    busy: [],
    minNoticeMinutes: 0,
    now: LONG_AGO,
    ...overrides,
  };
}

describe("openSlots: weekly hours", () => {
  it("fills a working day with 90-minute slots on a 30-minute grid", () => {
    const slots = openSlots(query({ from: at("2025-06-02", "00:00"), to: at("2025-06-03", "00:00") }));
    expect(show(slots)).toEqual([
      "2025-06-02 09:00", "2025-06-02 09:30", "2025-06-02 10:00", "2025-06-02 10:30", "2025-06-02 11:00",
      "2025-06-02 11:30", "2025-06-02 12:00", "2025-06-02 12:30", "2025-06-02 13:00", "2025-06-02 13:30",
      "2025-06-02 14:00", "2025-06-02 14:30", "2025-06-02 15:00", "2025-06-02 15:30",
    ]);
    // Summer time in Sofia is UTC+3: the first slot is 06:00 UTC and lasts 90 minutes.
    expect(slots[0]).toEqual({ start: utc("2025-06-02T06:00:00Z"), end: utc("2025-06-02T07:30:00Z") });
  });

  it("skips the weekend and counts a whole week", () => {
    const slots = openSlots(query({ from: at("2025-06-02", "00:00"), to: at("2025-06-09", "00:00") }));
    expect(slots).toHaveLength(5 * 14);
    expect(new Set(show(slots).map((s) => s.slice(0, 10)))).toEqual(
      new Set(["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06"]),
    );
  });

  it("returns nothing for an empty or reversed range", () => {
    expect(openSlots(query({ from: at("2025-06-02", "12:00"), to: at("2025-06-02", "12:00") }))).toEqual([]);
    expect(openSlots(query({ from: at("2025-06-03", "12:00"), to: at("2025-06-02", "12:00") }))).toEqual([]);
  });

  it("returns slots whose start is in [from, to), even if they end after `to`", () => {
    const slots = openSlots(query({ from: at("2025-06-02", "10:00"), to: at("2025-06-02", "11:00") }));
    expect(show(slots)).toEqual(["2025-06-02 10:00", "2025-06-02 10:30"]);
  });

  it("keeps slots on the window's grid when `from` falls between grid points", () => {
    const slots = openSlots(query({ from: at("2025-06-02", "10:10"), to: at("2025-06-02", "11:00") }));
    expect(show(slots)).toEqual(["2025-06-02 10:30"]);
  });

  it("supports several windows a day and a step equal to the duration", () => {
    const slots = openSlots(
      query({
        weekly: [
          { weekday: 1, start: "08:00", end: "11:00" },
          { weekday: 1, start: "14:00", end: "17:00" },
        ],
        stepMinutes: 90,
        from: at("2025-06-02", "00:00"),
        to: at("2025-06-03", "00:00"),
      }),
    );
    expect(show(slots)).toEqual(["2025-06-02 08:00", "2025-06-02 09:30", "2025-06-02 14:00", "2025-06-02 15:30"]);
  });

  it("merges overlapping or touching windows so a slot can span them", () => {
    const slots = openSlots(
      query({
        weekly: [
          { weekday: 1, start: "09:00", end: "10:00" },
          { weekday: 1, start: "10:00", end: "10:30" },
          { weekday: 1, start: "09:30", end: "10:15" },
        ],
        from: at("2025-06-02", "00:00"),
        to: at("2025-06-03", "00:00"),
      }),
    );
    expect(show(slots)).toEqual(["2025-06-02 09:00"]);
  });

  it("lets a session run past midnight when 22:00–24:00 and 00:00–02:00 are both open", () => {
    const slots = openSlots(
      query({
        weekly: [
          { weekday: 1, start: "22:00", end: "24:00" },
          { weekday: 2, start: "00:00", end: "02:00" },
        ],
        stepMinutes: 60,
        from: at("2025-06-02", "00:00"),
        to: at("2025-06-04", "00:00"),
      }),
    );
    expect(show(slots)).toEqual(["2025-06-02 22:00", "2025-06-02 23:00", "2025-06-03 00:00"]);
  });

  it("works in the therapist's zone and answers in UTC", () => {
    const slots = openSlots(
      query({
        timeZone: "America/New_York",
        weekly: [{ weekday: 1, start: "09:00", end: "10:30" }],
        from: utc("2025-01-06T00:00:00Z"),
        to: utc("2025-01-07T12:00:00Z"),
      }),
    );
    expect(slots).toEqual([{ start: utc("2025-01-06T14:00:00Z"), end: utc("2025-01-06T15:30:00Z") }]);
  });

  it("finds a window that began on the previous local day when `from` is after midnight UTC", () => {
    // Auckland Monday 09:00 is Sunday 20:00 UTC.
    const slots = openSlots(
      query({
        timeZone: "Pacific/Auckland",
        weekly: [{ weekday: 1, start: "09:00", end: "10:30" }],
        from: utc("2025-06-01T00:00:00Z"),
        to: utc("2025-06-02T00:00:00Z"),
      }),
    );
    expect(slots.map((slot) => slot.start.toISOString())).toEqual(["2025-06-01T21:00:00.000Z"]);
  });
});

describe("openSlots: DST in Europe/Sofia", () => {
  it("keeps 09:00 local across the last Sunday of March (UTC+2 → UTC+3)", () => {
    const slots = openSlots(
      query({
        weekly: everyDay("09:00", "10:00"),
        durationMinutes: 60,
        from: utc("2025-03-28T00:00:00Z"),
        to: utc("2025-04-01T00:00:00Z"),
      }),
    );
    expect(slots.map((slot) => slot.start.toISOString())).toEqual([
      "2025-03-28T07:00:00.000Z",
      "2025-03-29T07:00:00.000Z",
      "2025-03-30T06:00:00.000Z",
      "2025-03-31T06:00:00.000Z",
    ]);
  });

  it("keeps 09:00 local across the last Sunday of October (UTC+3 → UTC+2)", () => {
    const slots = openSlots(
      query({
        weekly: everyDay("09:00", "10:00"),
        durationMinutes: 60,
        from: utc("2025-10-24T00:00:00Z"),
        to: utc("2025-10-28T00:00:00Z"),
      }),
    );
    expect(slots.map((slot) => slot.start.toISOString())).toEqual([
      "2025-10-24T06:00:00.000Z",
      "2025-10-25T06:00:00.000Z",
      "2025-10-26T07:00:00.000Z",
      "2025-10-27T07:00:00.000Z",
    ]);
  });

  it.each([
    // 02:00–05:00 on the night clocks go forward lasts two real hours…
    ["2025-03-30", ["2025-03-30T00:00:00.000Z", "2025-03-30T01:00:00.000Z"]],
    // …and four on the night they go back.
    [
      "2025-10-26",
      ["2025-10-25T23:00:00.000Z", "2025-10-26T00:00:00.000Z", "2025-10-26T01:00:00.000Z", "2025-10-26T02:00:00.000Z"],
    ],
    // An ordinary Sunday: three.
    ["2025-06-01", ["2025-05-31T23:00:00.000Z", "2025-06-01T00:00:00.000Z", "2025-06-01T01:00:00.000Z"]],
  ])("a 02:00–05:00 window on %s holds the real hours", (date, expected) => {
    const slots = openSlots(
      query({
        weekly: [{ weekday: 7, start: "02:00", end: "05:00" }],
        durationMinutes: 60,
        stepMinutes: 60,
        from: at(date, "00:00"),
        to: at(date, "24:00"),
      }),
    );
    expect(slots.map((slot) => slot.start.toISOString())).toEqual(expected);
  });

  it("does not let a 90-minute slot through the skipped hour when it would not fit in real time", () => {
    const slots = openSlots(
      query({
        weekly: [{ weekday: 7, start: "02:00", end: "04:30" }], // 1.5 real hours on 30 March
        stepMinutes: 30,
        from: at("2025-03-30", "00:00"),
        to: at("2025-03-30", "24:00"),
      }),
    );
    expect(slots).toEqual([{ start: utc("2025-03-30T00:00:00Z"), end: utc("2025-03-30T01:30:00Z") }]);
  });
});

describe("openSlots: busy ranges and notice", () => {
  const day = { from: at("2025-06-02", "00:00"), to: at("2025-06-03", "00:00") };

  it("treats busy ranges as half-open: back-to-back sessions are fine", () => {
    const slots = openSlots(
      query({ ...day, busy: [{ start: at("2025-06-02", "10:30"), end: at("2025-06-02", "12:00") }] }),
    );
    expect(show(slots)).toEqual([
      "2025-06-02 09:00", // ends 10:30 exactly when the busy range starts
      "2025-06-02 12:00", // starts exactly when it ends
      "2025-06-02 12:30", "2025-06-02 13:00", "2025-06-02 13:30",
      "2025-06-02 14:00", "2025-06-02 14:30", "2025-06-02 15:00", "2025-06-02 15:30",
    ]);
  });

  it("removes every slot touching a busy range that covers the day", () => {
    const slots = openSlots(query({ ...day, busy: [{ start: at("2025-06-02", "08:59"), end: at("2025-06-02", "17:01") }] }));
    expect(slots).toEqual([]);
  });

  it("respects the minimum notice from now", () => {
    const slots = openSlots(
      query({
        from: at("2025-06-02", "00:00"),
        to: at("2025-06-04", "00:00"),
        now: at("2025-06-02", "10:15"),
        minNoticeMinutes: 24 * 60,
      }),
    );
    expect(show(slots)[0]).toBe("2025-06-03 10:30");
    expect(slots.every((slot) => slot.start.getTime() >= at("2025-06-03", "10:15").getTime())).toBe(true);
  });

  it("allows a slot exactly at the notice limit", () => {
    const slots = openSlots(query({ ...day, now: at("2025-06-02", "08:00"), minNoticeMinutes: 60 }));
    expect(show(slots)[0]).toBe("2025-06-02 09:00");
  });

  it("uses the default 24-hour notice and 30-minute step when omitted", () => {
    const withDefaults: OpenSlotsQuery = {
      ...query({ ...day, now: at("2025-06-01", "12:00") }),
      stepMinutes: undefined,
      minNoticeMinutes: undefined,
      busy: undefined,
    };
    expect(show(openSlots(withDefaults)).slice(0, 2)).toEqual(["2025-06-02 12:00", "2025-06-02 12:30"]);
  });
});

describe("openSlots: exceptions", () => {
  const week = { from: at("2025-06-02", "00:00"), to: at("2025-06-09", "00:00") };
  const daysWithSlots = (exceptions: AvailabilityException[], weekly = weekdays("09:00", "17:00")) => {
    const slots = openSlots(query({ ...week, weekly, exceptions, durationMinutes: 60, stepMinutes: 60 }));
    const byDay: Record<string, string[]> = {};
    for (const label of show(slots)) (byDay[label.slice(0, 10)] ??= []).push(label.slice(11));
    return byDay;
  };

  it("a whole-day 'unavailable' removes the day", () => {
    const byDay = daysWithSlots([{ date: "2025-06-04", kind: "unavailable" }]);
    expect(Object.keys(byDay)).toEqual(["2025-06-02", "2025-06-03", "2025-06-05", "2025-06-06"]);
  });

  it("a partial 'unavailable' removes only its hours", () => {
    const byDay = daysWithSlots([{ date: "2025-06-04", kind: "unavailable", start: "11:00", end: "14:00" }]);
    expect(byDay["2025-06-04"]).toEqual(["09:00", "10:00", "14:00", "15:00", "16:00"]);
    expect(byDay["2025-06-03"]).toHaveLength(8);
  });

  it("an 'extra' opens hours on a day off", () => {
    const byDay = daysWithSlots([{ date: "2025-06-07", kind: "extra", start: "10:00", end: "12:00" }]);
    expect(byDay["2025-06-07"]).toEqual(["10:00", "11:00"]);
  });

  it("an 'extra' next to the weekly hours extends them", () => {
    const byDay = daysWithSlots([{ date: "2025-06-02", kind: "extra", start: "17:00", end: "19:00" }]);
    expect(byDay["2025-06-02"]).toEqual(["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00", "18:00"]);
  });

  it("'unavailable' wins over 'extra' on the same day", () => {
    const byDay = daysWithSlots([
      { date: "2025-06-07", kind: "extra", start: "10:00", end: "12:00" },
      { date: "2025-06-07", kind: "unavailable" },
    ]);
    expect(byDay["2025-06-07"]).toBeUndefined();
  });

  it("an exception applies to its own local date only", () => {
    const byDay = daysWithSlots([{ date: "2025-06-10", kind: "unavailable" }]);
    expect(Object.keys(byDay)).toHaveLength(5);
  });
});

describe("validateAvailabilityRules", () => {
  const base: AvailabilityRules = { weekly: weekdays("09:00", "17:00"), exceptions: [], timeZone: SOFIA };

  it("accepts good rules", () => {
    expect(validateAvailabilityRules(base)).toEqual([]);
    expect(
      validateAvailabilityRules({
        ...base,
        weekly: [{ weekday: 7, start: "00:00", end: "24:00" }],
        exceptions: [
          { date: "2025-06-04", kind: "unavailable" },
          { date: "2025-06-05", kind: "unavailable", start: "09:00", end: "10:00" },
          { date: "2025-06-07", kind: "extra", start: "10:00", end: "12:00" },
        ],
      }),
    ).toEqual([]);
  });

  it.each<[string, Partial<AvailabilityRules>, [string, string][]]>([
    ["unknown zone", { timeZone: "Europe/Nowhere" }, [["timeZone", "INVALID_TIME_ZONE"]]],
    ["weekday 0", { weekly: [{ weekday: 0 as never, start: "09:00", end: "10:00" }] }, [["weekly.0.weekday", "INVALID_WEEKDAY"]]],
    ["weekday 8", { weekly: [{ weekday: 8 as never, start: "09:00", end: "10:00" }] }, [["weekly.0.weekday", "INVALID_WEEKDAY"]]],
    ["bad start", { weekly: [{ weekday: 1, start: "9", end: "10:00" }] }, [["weekly.0.start", "INVALID_TIME"]]],
    ["start at 24:00", { weekly: [{ weekday: 1, start: "24:00", end: "24:00" }] }, [["weekly.0.start", "INVALID_TIME"]]],
    ["bad end", { weekly: [{ weekday: 1, start: "09:00", end: "25:00" }] }, [["weekly.0.end", "INVALID_TIME"]]],
    ["end before start", { weekly: [{ weekday: 1, start: "17:00", end: "09:00" }] }, [["weekly.0.end", "END_NOT_AFTER_START"]]],
    ["empty window", { weekly: [{ weekday: 1, start: "09:00", end: "09:00" }] }, [["weekly.0.end", "END_NOT_AFTER_START"]]],
    ["bad exception date", { exceptions: [{ date: "2025-02-30", kind: "unavailable" }] }, [["exceptions.0.date", "INVALID_DATE"]]],
    ["unknown kind", { exceptions: [{ date: "2025-02-03", kind: "holiday" as never }] }, [["exceptions.0.kind", "INVALID_OPTION"]]],
    ["extra without hours", { exceptions: [{ date: "2025-02-03", kind: "extra" }] }, [["exceptions.0.start", "INVALID_TIME"], ["exceptions.0.end", "INVALID_TIME"]]],
    ["unavailable with start only", { exceptions: [{ date: "2025-02-03", kind: "unavailable", start: "10:00" }] }, [["exceptions.0.end", "INVALID_TIME"]]],
  ])("%s", (_label, change, expected) => {
    expect(validateAvailabilityRules({ ...base, ...change }).map((e) => [e.field, e.code])).toEqual(expected);
  });

  it("openSlots throws the first problem as a DomainError", () => {
    expect(() =>
      openSlots(query({ weekly: [{ weekday: 1, start: "17:00", end: "09:00" }], from: at("2025-06-02", "00:00"), to: at("2025-06-03", "00:00") })),
    ).toThrow(expect.objectContaining({ name: "DomainError", code: "END_NOT_AFTER_START", field: "weekly.0.end" }));
  });

  it.each<[string, Partial<OpenSlotsQuery>, string]>([
    ["zero duration", { durationMinutes: 0 }, "durationMinutes"],
    ["fractional duration", { durationMinutes: 1.5 }, "durationMinutes"],
    ["zero step", { stepMinutes: 0 }, "stepMinutes"],
    ["negative notice", { minNoticeMinutes: -1 }, "minNoticeMinutes"],
  ])("openSlots refuses %s", (_label, change, field) => {
    expect(() => openSlots(query({ from: at("2025-06-02", "00:00"), to: at("2025-06-03", "00:00"), ...change }))).toThrow(
      expect.objectContaining({ code: "INVALID_DURATION", field }),
    );
  });

  it("openSlots refuses an invalid date", () => {
    expect(() => openSlots(query({ from: new Date(Number.NaN), to: at("2025-06-03", "00:00") }))).toThrow(
      expect.objectContaining({ code: "INVALID_DATE", field: "from" }),
    );
  });
});

describe("workingWindows / overlaps", () => {
  it("reports whole windows touching the range", () => {
    const windows = workingWindows(
      { weekly: weekdays("09:00", "17:00"), exceptions: [], timeZone: SOFIA },
      at("2025-06-02", "16:00"),
      at("2025-06-03", "09:30"),
    );
    expect(windows).toEqual([
      { start: at("2025-06-02", "09:00"), end: at("2025-06-02", "17:00") },
      { start: at("2025-06-03", "09:00"), end: at("2025-06-03", "17:00") },
    ]);
  });

  it.each([
    ["10:00", "11:00", "11:00", "12:00", false],
    ["10:00", "11:00", "10:59", "12:00", true],
    ["10:00", "11:00", "09:00", "10:00", false],
    ["10:00", "11:00", "10:15", "10:45", true],
    ["10:00", "11:00", "09:00", "12:00", true],
  ])("[%s, %s) vs [%s, %s) overlap: %s", (aStart, aEnd, bStart, bEnd, expected) => {
    const d = "2025-06-02";
    expect(overlaps({ start: at(d, aStart), end: at(d, aEnd) }, { start: at(d, bStart), end: at(d, bEnd) })).toBe(expected);
  });
});

describe("isWithinAvailability / assertSlotBookable", () => {
  const rules: AvailabilityRules = {
    weekly: weekdays("09:00", "17:00"),
    exceptions: [{ date: "2025-06-04", kind: "unavailable", start: "12:00", end: "13:00" }],
    timeZone: SOFIA,
  };

  it.each([
    ["inside", "2025-06-02", "09:00", "10:30", true],
    ["ending at closing time", "2025-06-02", "15:30", "17:00", true],
    ["running past closing time", "2025-06-02", "16:00", "17:30", false],
    ["starting before opening", "2025-06-02", "08:30", "10:00", false],
    ["on a Saturday", "2025-06-07", "10:00", "11:30", false],
    ["across a partial day off", "2025-06-04", "11:30", "13:00", false],
    ["right after a partial day off", "2025-06-04", "13:00", "14:30", true],
    ["empty range", "2025-06-02", "10:00", "10:00", false],
  ])("%s → %s", (_label, date, start, end, expected) => {
    expect(isWithinAvailability({ ...rules, start: at(date, start), end: at(date, end) })).toBe(expected);
  });

  const now = at("2025-06-01", "12:00");
  const busy = [{ start: at("2025-06-03", "10:00"), end: at("2025-06-03", "11:30") }];
  const attempt = (date: string, start: string, end: string, extra: object = {}) => () =>
    assertSlotBookable({ ...rules, busy, now, minNoticeMinutes: 24 * 60, start: at(date, start), end: at(date, end), ...extra });

  it("accepts a free slot in hours", () => {
    expect(attempt("2025-06-03", "11:30", "13:00")).not.toThrow();
  });

  it.each([
    ["outside the therapist's hours", "2025-06-07", "10:00", "11:30", "SLOT_OUTSIDE_AVAILABILITY"],
    ["overlapping a booking", "2025-06-03", "11:00", "12:30", "SLOT_TAKEN"],
    ["too soon", "2025-06-02", "09:00", "10:30", "SLOT_TOO_SOON"],
    ["ending before it starts", "2025-06-03", "13:00", "12:00", "END_NOT_AFTER_START"],
  ])("refuses a slot %s", (_label, date, start, end, code) => {
    expect(attempt(date, start, end)).toThrow(expect.objectContaining({ code }));
  });

  it("lets a therapist book their own time outside their hours, but never over a booking", () => {
    expect(attempt("2025-06-07", "10:00", "11:30", { outsideHoursAllowed: true })).not.toThrow();
    expect(attempt("2025-06-03", "11:00", "12:30", { outsideHoursAllowed: true })).toThrow(expect.objectContaining({ code: "SLOT_TAKEN" }));
  });

  it("names the startsAt field and says what is wrong", () => {
    expect(attempt("2025-06-07", "10:00", "11:30")).toThrow(
      expect.objectContaining({ field: "startsAt", message: "The slot is outside the therapist's hours" }),
    );
  });
});
