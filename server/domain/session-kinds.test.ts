import { describe, expect, it } from "vitest";
import { DEFAULT_JOURNEY_SETTINGS } from "../services/journey/settings";
import { durationLabel, isSessionKind, kindsOf, SESSION_KINDS, sessionKinds, type SessionKinds } from "./session-kinds";

describe("session kinds are defined once", () => {
  it("adding a 20-minute check-in is one entry: it is then labelled, timed, billed and bookable", () => {
    const withCheckIn = {
      ...SESSION_KINDS,
      check_in: {
        label: "Check-in",
        minutesSetting: "checkInMinutes",
        billing: { by: "session", priceSetting: "checkInPriceCents" },
        countsTowardProgram: false,
        bookedBy: ["patient", "therapist"],
        needsProgram: false,
      },
    } as const satisfies SessionKinds;
    const kinds = kindsOf(withCheckIn);
    const settings = { ...DEFAULT_JOURNEY_SETTINGS, checkInMinutes: 20, checkInPriceCents: 4_500 };
    expect(kinds.ids).toEqual(["consultation", "program", "conclusion", "supporting", "check_in"]);
    expect(kinds.label("check_in")).toBe("Check-in");
    expect(`${kinds.label("check_in")} (${durationLabel(kinds.minutes("check_in", settings))})`).toBe("Check-in (20 min)");
    expect(kinds.priceCents("check_in", settings)).toBe(4_500);
    expect(kinds.bookableBy("therapist")).toEqual(["consultation", "supporting", "check_in"]);
    expect(kinds.mayBook("check_in", "patient")).toBe(true);
    expect(kinds.needsProgram("check_in")).toBe(false);
  });

  it("the clinic's kinds take their minutes and prices from the settings", () => {
    const s = DEFAULT_JOURNEY_SETTINGS;
    expect(sessionKinds.ids.map((k) => sessionKinds.minutes(k, s))).toEqual([s.consultationMinutes, s.sessionMinutes, s.conclusionMinutes, s.sessionMinutes]);
    expect(sessionKinds.ids.map((k) => sessionKinds.priceCents(k, s))).toEqual([s.consultationPriceCents, null, null, s.supportingSessionPriceCents]);
    expect(sessionKinds.ids.map((k) => sessionKinds.billing(k))).toEqual(["session", "block", "free", "session"]);
    expect(sessionKinds.bookableBy("therapist")).toEqual(["consultation", "supporting"]);
    expect(sessionKinds.ids.filter((k) => sessionKinds.needsProgram(k))).toEqual(["program", "conclusion"]);
    expect([isSessionKind("program"), isSessionKind("toString"), isSessionKind(3)]).toEqual([true, false, false]);
  });

  it("durations read as people say them", () => {
    expect([20, 40, 60, 90, 150].map(durationLabel)).toEqual(["20 min", "40 min", "1 h", "1 h 30", "2 h 30"]);
  });
});
