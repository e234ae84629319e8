import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adherenceByDay, localDate, nextReminderAt, practiceStreak, summariseAdherence } from "./adherence";

const at = (iso: string) => ({ practisedAt: new Date(iso), minutes: 15 });

describe("adherence", () => {
  it("counts practices per local calendar day", () => {
    // 11:30 UTC on the 1st is 00:30 on the 2nd in Auckland (NZDT, +13).
    const days = adherenceByDay([at("2026-01-01T11:30:00Z"), at("2026-01-01T20:00:00Z")], { now: new Date("2026-01-03T00:00:00Z"), timeZone: "Pacific/Auckland", days: 3 });
    expect(days.map((d) => [d.date, d.practices])).toEqual([
      ["2026-01-01", 0],
      ["2026-01-02", 2],
      ["2026-01-03", 0],
    ]);
  });

  it("keeps a streak alive until the day is over", () => {
    const entries = [at("2026-03-01T08:00:00Z"), at("2026-03-02T08:00:00Z"), at("2026-03-03T08:00:00Z")];
    expect(practiceStreak(entries, { now: new Date("2026-03-04T07:00:00Z"), timeZone: "Europe/London" })).toBe(3);
    expect(practiceStreak(entries, { now: new Date("2026-03-05T07:00:00Z"), timeZone: "Europe/London" })).toBe(0);
    expect(practiceStreak([...entries, at("2026-03-04T09:00:00Z")], { now: new Date("2026-03-04T10:00:00Z"), timeZone: "Europe/London" })).toBe(4);
  });

  it("summarises the week against the target of two a day", () => {
    const s = summariseAdherence([at("2026-03-04T08:00:00Z"), at("2026-03-04T18:00:00Z"), at("2026-03-03T08:00:00Z")], { now: new Date("2026-03-04T20:00:00Z"), timeZone: "Europe/London", days: 28 });
    expect(s.days).toHaveLength(28);
    expect(s.weekDaysOnTarget).toBe(1);
    expect(s.weekPractices).toBe(3);
    expect(s.todayPractices).toBe(2);
  });

  it("schedules the next reminder at the chosen local time", () => {
    expect(nextReminderAt("19:00", "Europe/Sofia", new Date("2026-03-04T10:00:00Z")).toISOString()).toBe("2026-03-04T17:00:00.000Z");
    expect(nextReminderAt("19:00", "Europe/Sofia", new Date("2026-03-04T17:00:00Z")).toISOString()).toBe("2026-03-05T17:00:00.000Z");
  });

  it("counts a long streak day by day, and no further than the days practised", () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({ practisedAt: new Date(Date.UTC(2026, 0, 1 + i, 9)), minutes: 15 }));
    expect(practiceStreak(entries, { now: new Date(Date.UTC(2026, 0, 300, 20)), timeZone: "Europe/Sofia" })).toBe(300);
  });

  it("refuses an unknown zone instead of treating every day as the same empty day", () => {
    expect(() => localDate(new Date(), "Bogus/Zone")).toThrow(RangeError);
    expect(() => practiceStreak([at("2026-03-01T08:00:00Z")], { now: new Date("2026-03-04T07:00:00Z"), timeZone: "Bogus/Zone" })).toThrow(RangeError);
    expect(() => summariseAdherence([], { now: new Date(), timeZone: "Europe/London", days: 1e9 })).toThrow(RangeError);
  });

  // In a child process with a deadline: a loop that never ends must fail this test, not hang the run.
  it("a bad zone cannot keep the process busy", () => {
    const module = fileURLToPath(new URL("./adherence.ts", import.meta.url));
    const code = `import { practiceStreak } from ${JSON.stringify(module)};
      try { practiceStreak([{ practisedAt: new Date(), minutes: 15 }], { now: new Date(), timeZone: "Bogus/Zone" }); } catch {}
      console.log("returned");`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { timeout: 10_000, encoding: "utf8" });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe("returned");
  });
});
