import { describe, expect, it } from "vitest";
import { DomainError } from "../domain-error";
import {
  assertTimeZone,
  calendarDaysBetween,
  isValidTimeZone,
  localDateOf,
  localMinutesOf,
  parseClockTime,
  plusCalendarDays,
  startOfLocalDay,
  todayIn,
  wallClockToInstant,
} from "./zoned-time";

describe("isValidTimeZone", () => {
  it.each(["UTC", "Europe/Sofia", "America/New_York", "Asia/Kolkata", "Europe/Kyiv", "Europe/Kiev", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])(
    "accepts %s",
    (zone) => expect(isValidTimeZone(zone)).toBe(true),
  );

  it.each(["", "utc", "europe/sofia", "Mars/Olympus", "+02:00", "GMT+2", "EST5EDT", "Europe/", "Sofia", undefined, null, 42])(
    "rejects %j",
    (zone) => expect(isValidTimeZone(zone)).toBe(false),
  );

  it("assertTimeZone throws a DomainError naming the field", () => {
    expect(() => assertTimeZone("Nowhere/Land", "patientTimeZone")).toThrow(
      expect.objectContaining({ code: "INVALID_TIME_ZONE", field: "patientTimeZone" }),
    );
    expect(() => assertTimeZone("nope")).toThrow(DomainError);
  });
});

describe("parseClockTime", () => {
  it.each([
    ["00:00", 0],
    ["09:30", 570],
    ["23:59", 1439],
    ["24:00", 1440],
  ])("%s = %i minutes", (value, minutes) => expect(parseClockTime(value)).toBe(minutes));

  it.each(["24:01", "25:00", "9:30", "09:60", "0930", "09:30:00", ""])("rejects %j", (value) =>
    expect(parseClockTime(value)).toBeNull(),
  );
});

describe("wall clock ↔ instant in Europe/Sofia", () => {
  const zone = "Europe/Sofia";

  it.each([
    ["2025-03-29", "09:00", "2025-03-29T07:00:00.000Z"], // EET, UTC+2
    ["2025-03-30", "09:00", "2025-03-30T06:00:00.000Z"], // EEST from 03:00 that day
    ["2025-03-30", "03:30", "2025-03-30T01:30:00.000Z"], // does not exist: moved forward to 04:30 EEST
    ["2025-10-26", "09:00", "2025-10-26T07:00:00.000Z"], // back to EET
    ["2025-10-26", "03:30", "2025-10-26T01:30:00.000Z"], // occurs twice: the later (EET) one
    ["2025-10-25", "24:00", "2025-10-25T21:00:00.000Z"], // midnight starting the 26th, still EEST
  ])("%s %s → %s", (date, time, iso) => {
    expect(wallClockToInstant(date, time, zone).toISOString()).toBe(iso);
  });

  it("starts a local day at its midnight", () => {
    expect(startOfLocalDay("2025-03-30", zone).toISOString()).toBe("2025-03-29T22:00:00.000Z");
    expect(startOfLocalDay("2025-03-31", zone).toISOString()).toBe("2025-03-30T21:00:00.000Z");
  });

  it("reads local date and time of an instant", () => {
    const instant = new Date("2025-06-30T22:30:00Z");
    expect(localDateOf(instant, zone)).toBe("2025-07-01");
    expect(localMinutesOf(instant, zone)).toBe(90);
    expect(todayIn("America/Los_Angeles", instant)).toBe("2025-06-30");
    expect(todayIn("Pacific/Auckland", instant)).toBe("2025-07-01");
  });

  it("counts calendar days, not 24-hour periods, across DST", () => {
    const before = new Date("2025-03-10T08:00:00Z"); // 10:00 EET
    const after = new Date("2025-04-07T07:00:00Z"); // 10:00 EEST, 28 days later, 671 hours
    expect(calendarDaysBetween(before, after, zone)).toBe(28);
    expect(plusCalendarDays(before, 28, zone).toISOString()).toBe(after.toISOString());
    expect(calendarDaysBetween(after, before, zone)).toBe(-28);
  });

  it("counts days on the given calendar", () => {
    const a = new Date("2025-01-01T23:30:00Z");
    const b = new Date("2025-01-02T00:30:00Z");
    expect(calendarDaysBetween(a, b, "UTC")).toBe(1);
    expect(calendarDaysBetween(a, b, zone)).toBe(0);
  });
});
