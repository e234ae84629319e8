import { describe, expect, it } from "vitest";
import { nextDiaryDue } from "./diary-rules";

const now = new Date("2026-03-10T12:00:00Z");

describe("nextDiaryDue", () => {
  it("is the interval after the last entry", () => {
    const due = nextDiaryDue({ lastEntryAt: new Date("2026-03-01T12:00:00Z"), programStartedAt: null, intervalDays: 14, now });
    expect(due).toEqual({ dueAt: new Date("2026-03-15T12:00:00Z"), overdue: false, daysLeft: 5 });
  });
  it("counts from the program start before the first entry, and is overdue after it", () => {
    const due = nextDiaryDue({ lastEntryAt: null, programStartedAt: new Date("2026-02-01T12:00:00Z"), intervalDays: 21, now });
    expect(due.dueAt).toEqual(new Date("2026-02-22T12:00:00Z"));
    expect(due.overdue).toBe(true);
    expect(due.daysLeft).toBe(-16);
  });
  it("has no due date without entries or a program", () => {
    expect(nextDiaryDue({ lastEntryAt: null, programStartedAt: null, intervalDays: 14, now })).toEqual({ dueAt: null, overdue: false, daysLeft: null });
  });
});
