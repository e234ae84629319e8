import { describe, expect, it } from "vitest";
import {
  addCalendarDays,
  addCalendarMonths,
  compareIsoDates,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  isIsoDate,
  isoWeekday,
  parseIsoDate,
} from "./calendar-date";

describe("parseIsoDate / isIsoDate", () => {
  it.each([
    ["2024-02-29", { year: 2024, month: 2, day: 29 }],
    ["2000-02-29", { year: 2000, month: 2, day: 29 }],
    ["1950-12-31", { year: 1950, month: 12, day: 31 }],
    ["0001-01-01", { year: 1, month: 1, day: 1 }],
  ])("accepts %s", (value, expected) => {
    expect(parseIsoDate(value)).toEqual(expected);
    expect(isIsoDate(value)).toBe(true);
  });

  it.each([
    "2023-02-29", // not a leap year
    "1900-02-29", // century, not a leap year
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "0000-01-01",
    "2024-1-5",
    "24-01-05",
    "2024/01/05",
    "2024-01-05T10:00",
    " 2024-01-05",
    "",
  ])("rejects %j", (value) => {
    expect(parseIsoDate(value)).toBeNull();
    expect(isIsoDate(value)).toBe(false);
  });

  it("rejects non-strings", () => {
    for (const value of [undefined, null, 20240105, new Date(), {}]) expect(isIsoDate(value)).toBe(false);
  });

  it("formats with padding", () => {
    expect(formatIsoDate({ year: 987, month: 3, day: 4 })).toBe("0987-03-04");
  });
});

describe("daysInMonth", () => {
  it.each([
    [2023, 2, 28],
    [2024, 2, 29],
    [1900, 2, 28],
    [2000, 2, 29],
    [2024, 4, 30],
    [2024, 12, 31],
  ])("%i-%i has %i days", (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

describe("addCalendarMonths (clamped to month end)", () => {
  it.each([
    ["2024-01-15", 1, "2024-02-15"],
    ["2024-01-31", 1, "2024-02-29"], // leap year
    ["2023-01-31", 1, "2023-02-28"],
    ["2023-08-31", 6, "2024-02-29"],
    ["2022-08-31", 6, "2023-02-28"],
    ["2024-02-29", 8, "2024-10-29"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2024-02-29", 48, "2028-02-29"],
    ["2023-06-30", 8, "2024-02-29"],
    ["2023-06-29", 8, "2024-02-29"],
    ["2023-06-28", 8, "2024-02-28"],
    ["2023-05-31", 8, "2024-01-31"],
    ["2024-05-31", 1, "2024-06-30"],
    ["2024-12-31", 8, "2025-08-31"],
    ["2024-03-31", -1, "2024-02-29"],
    ["2024-01-10", -13, "2022-12-10"],
    ["1975-07-04", 0, "1975-07-04"],
    ["1975-07-04", 600, "2025-07-04"],
  ])("%s + %i months = %s", (date, months, expected) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });

  it("refuses bad input", () => {
    expect(() => addCalendarMonths("2024-02-30", 1)).toThrow(RangeError);
    expect(() => addCalendarMonths("2024-02-01", 1.5)).toThrow(RangeError);
  });
});

describe("addCalendarDays / daysBetween", () => {
  it.each([
    ["2024-02-28", 1, "2024-02-29"],
    ["2024-02-29", 1, "2024-03-01"],
    ["2023-02-28", 1, "2023-03-01"],
    ["2024-12-31", 1, "2025-01-01"],
    ["2025-01-01", -1, "2024-12-31"],
    ["2024-03-30", 28, "2024-04-27"],
    ["1970-01-01", 0, "1970-01-01"],
    ["1969-12-31", 1, "1970-01-01"],
    ["1900-02-28", 1, "1900-03-01"],
    ["2000-02-28", 1, "2000-02-29"],
    ["2024-01-01", 366, "2025-01-01"],
  ])("%s + %i days = %s", (date, days, expected) => {
    expect(addCalendarDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it("compares dates", () => {
    expect(compareIsoDates("2024-01-01", "2024-01-02")).toBe(-1);
    expect(compareIsoDates("2024-01-02", "2024-01-02")).toBe(0);
    expect(compareIsoDates("2025-01-01", "2024-12-31")).toBe(1);
  });
});

describe("isoWeekday", () => {
  it.each([
    ["1970-01-01", 4],
    ["2024-02-29", 4],
    ["2025-03-30", 7],
    ["2025-03-31", 1],
    ["2025-10-25", 6],
    ["1969-12-29", 1],
    ["2000-01-01", 6],
  ])("%s is ISO weekday %i", (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });
});
