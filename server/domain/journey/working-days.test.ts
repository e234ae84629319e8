import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { addWorkingDays, isWorkingDay, planProposalDueAt } from "./working-days";

const SOFIA = "Europe/Sofia";
const local = (iso: string, zone = SOFIA) => DateTime.fromISO(iso, { zone }).toJSDate();
const show = (date: Date, zone = SOFIA) => DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd ccc HH:mm");

describe("addWorkingDays", () => {
  it.each([
    ["2025-06-02T15:00", 5, "2025-06-09 Mon 15:00"], // Monday + one working week
    ["2025-06-06T15:00", 5, "2025-06-13 Fri 15:00"], // Friday + one working week
    ["2025-06-06T15:00", 1, "2025-06-09 Mon 15:00"],
    ["2025-06-07T10:00", 1, "2025-06-09 Mon 10:00"], // from Saturday
    ["2025-06-08T10:00", 5, "2025-06-13 Fri 10:00"], // from Sunday
    ["2025-06-04T09:00", 0, "2025-06-04 Wed 09:00"],
    ["2025-06-07T09:00", 0, "2025-06-07 Sat 09:00"],
    ["2025-06-04T09:00", 10, "2025-06-18 Wed 09:00"],
    ["2025-06-09T09:00", -1, "2025-06-06 Fri 09:00"],
    ["2025-06-09T09:00", -5, "2025-06-02 Mon 09:00"],
    ["2025-03-27T10:00", 2, "2025-03-31 Mon 10:00"], // across the March DST change
    ["2025-10-24T10:00", 1, "2025-10-27 Mon 10:00"], // across the October DST change
    ["2024-12-31T23:30", 1, "2025-01-01 Wed 23:30"],
  ])("%s + %i working days = %s", (start, n, expected) => {
    expect(show(addWorkingDays(local(start), n, SOFIA))).toBe(expected);
  });

  it("keeps the same wall-clock time, not the same UTC time, across DST", () => {
    const due = addWorkingDays(local("2025-03-28T10:00"), 1, SOFIA);
    expect(due.toISOString()).toBe("2025-03-31T07:00:00.000Z");
  });

  it("judges the weekday on the given zone's calendar", () => {
    // Friday 23:30 UTC is already Saturday in Sofia.
    const instant = new Date("2025-06-06T23:30:00Z");
    expect(addWorkingDays(instant, 1, "UTC").toISOString()).toBe("2025-06-09T23:30:00.000Z");
    expect(show(addWorkingDays(instant, 1, SOFIA))).toBe("2025-06-09 Mon 02:30");
  });

  it("skips clinic holidays", () => {
    const holidays = ["2025-12-24", "2025-12-25", "2025-12-26"];
    expect(show(addWorkingDays(local("2025-12-22T12:00"), 5, SOFIA, holidays))).toBe("2026-01-01 Thu 12:00");
    expect(show(addWorkingDays(local("2025-12-29T12:00"), -1, SOFIA, holidays))).toBe("2025-12-23 Tue 12:00");
  });

  it.each<[string, () => unknown, string, string]>([
    ["a fractional count", () => addWorkingDays(local("2025-06-02T10:00"), 1.5, SOFIA), "INVALID_NUMBER", "n"],
    ["an invalid date", () => addWorkingDays(new Date(Number.NaN), 1, SOFIA), "INVALID_DATE", "date"],
    ["an unknown zone", () => addWorkingDays(local("2025-06-02T10:00"), 1, "Atlantis"), "INVALID_TIME_ZONE", "timeZone"],
    ["a bad holiday", () => addWorkingDays(local("2025-06-02T10:00"), 1, SOFIA, ["2025-02-30"]), "INVALID_DATE", "holidays.0"],
  ])("refuses %s", (_label, attempt, code, field) => {
    expect(attempt).toThrow(expect.objectContaining({ code, field }));
  });
});

describe("isWorkingDay", () => {
  it.each([
    ["2025-06-02", true],
    ["2025-06-06", true],
    ["2025-06-07", false],
    ["2025-06-08", false],
  ])("%s → %s", (date, expected) => expect(isWorkingDay(date)).toBe(expected));

  it("treats holidays as non-working", () => expect(isWorkingDay("2025-06-02", ["2025-06-02"])).toBe(false));
});

describe("planProposalDueAt", () => {
  it("gives the planner one working week after enrolment", () => {
    expect(show(planProposalDueAt(local("2025-06-05T16:20"), SOFIA))).toBe("2025-06-12 Thu 16:20");
  });

  it("follows the setting and holidays", () => {
    expect(show(planProposalDueAt(local("2025-06-05T16:20"), SOFIA, { planProposalWorkingDays: 3 }))).toBe("2025-06-10 Tue 16:20");
    expect(show(planProposalDueAt(local("2025-06-05T16:20"), SOFIA, undefined, ["2025-06-09"]))).toBe("2025-06-13 Fri 16:20");
  });
});
