import { describe, expect, it } from "vitest";
import { isValidTimeZone, timeZoneList, timeZoneSchema } from "./time-zone";

describe("time zones: one rule for every path", () => {
  it.each(["UTC", "Etc/UTC", "Europe/Sofia", "America/New_York", "Europe/Kiev", "America/Argentina/Buenos_Aires"])("accepts %s", (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
    expect(timeZoneSchema.safeParse(zone).success).toBe(true);
  });

  it.each(["Bogus/Zone", "", "utc", "+02:00", "EST5EDT", "Europe/Sofia\u0000", "Europe/" + "x".repeat(1_000_000), ["Europe/Sofia"], 42, null])("refuses %j", (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
    expect(timeZoneSchema.safeParse(zone).success).toBe(false);
  });

  it("lists only zones it accepts", () => {
    const list = timeZoneList();
    expect(list).toContain("Europe/Sofia");
    expect(list.filter((zone) => !isValidTimeZone(zone))).toEqual([]);
  });
});
