import { describe, expect, it } from "vitest";
import { DomainError } from "../domain-error";
import {
  assessEligibility,
  CONCERNS,
  DEFAULT_INTAKE_SETTINGS,
  type Eligibility,
  type Intake,
  type SpecialCause,
  validateIntake,
} from "./eligibility";

const ordinary = (onsetDate: string, specialCauses: SpecialCause[] = []) => ({ onsetDate, specialCauses });

describe("assessEligibility: time since onset (8 calendar months, inclusive)", () => {
  it.each<[string, string, string, Eligibility["status"], string?]>([
    ["exactly 8 months: eligible that day", "2024-01-15", "2024-09-15", "eligible"],
    ["the day before", "2024-01-15", "2024-09-14", "not_yet", "2024-09-15"],
    ["the day after", "2024-01-15", "2024-09-16", "eligible"],
    ["onset today", "2025-05-05", "2025-05-05", "not_yet", "2026-01-05"],
    ["onset yesterday", "2025-05-04", "2025-05-05", "not_yet", "2026-01-04"],
    ["onset decades ago", "1987-06-01", "2025-05-05", "eligible"],
    ["onset on a leap day, eligible on the 29th", "2024-02-29", "2024-10-29", "eligible"],
    ["onset on a leap day, day before", "2024-02-29", "2024-10-28", "not_yet", "2024-10-29"],
    ["onset 30 June: clamped to the end of February (non-leap)", "2022-06-30", "2023-02-28", "eligible"],
    ["onset 30 June: day before the clamped date", "2022-06-30", "2023-02-27", "not_yet", "2023-02-28"],
    ["onset 30 June, leap February", "2023-06-30", "2024-02-29", "eligible"],
    ["onset 30 June, leap February, day before", "2023-06-30", "2024-02-28", "not_yet", "2024-02-29"],
    ["onset 31 May lands on 31 January", "2024-05-31", "2025-01-31", "eligible"],
    ["onset 31 May, 30 January is too early", "2024-05-31", "2025-01-30", "not_yet", "2025-01-31"],
    ["across a year end", "2024-12-31", "2025-08-31", "eligible"],
  ])("%s", (_label, onset, today, status, eligibleFrom) => {
    const result = assessEligibility(ordinary(onset), today);
    expect(result.status).toBe(status);
    if (result.status === "not_yet") {
      expect(result.eligibleFrom).toBe(eligibleFrom);
      expect(result.message).toContain(eligibleFrom);
      expect(result.message).toMatch(/consultation/);
    }
  });

  it("uses the configured number of months", () => {
    expect(assessEligibility(ordinary("2023-08-31"), "2024-02-28", { minMonthsSinceOnset: 6 })).toEqual({
      status: "not_yet",
      eligibleFrom: "2024-02-29",
      message: expect.any(String),
    });
    expect(assessEligibility(ordinary("2023-08-31"), "2024-02-29", { minMonthsSinceOnset: 6 }).status).toBe("eligible");
    expect(assessEligibility(ordinary("2025-05-05"), "2025-05-05", { minMonthsSinceOnset: 0 }).status).toBe("eligible");
  });

  it.each([-1, 1.5, Number.NaN])("refuses a setting of %d months", (months) => {
    expect(() => assessEligibility(ordinary("2020-01-01"), "2025-01-01", { minMonthsSinceOnset: months })).toThrow(
      expect.objectContaining({ code: "INVALID_SETTING" }),
    );
  });
});

describe("assessEligibility: invalid dates", () => {
  it("throws ONSET_IN_FUTURE on field onsetDate", () => {
    const attempt = () => assessEligibility(ordinary("2025-05-06"), "2025-05-05");
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: "ONSET_IN_FUTURE", field: "onsetDate" }));
  });

  it("throws INVALID_DATE for an impossible onset or today", () => {
    expect(() => assessEligibility(ordinary("2023-02-29"), "2025-05-05")).toThrow(
      expect.objectContaining({ code: "INVALID_DATE", field: "onsetDate" }),
    );
    expect(() => assessEligibility(ordinary("2023-02-01"), "05/05/2025")).toThrow(
      expect.objectContaining({ code: "INVALID_DATE", field: "today" }),
    );
  });
});

describe("assessEligibility: special cases go to consultation or clinic", () => {
  it.each<[SpecialCause[], SpecialCause, RegExp]>([
    [["congenital"], "congenital", /from birth/],
    [["trauma"], "trauma", /injury/],
    [["tumour"], "tumour", /tumour/],
    [["congenital", "trauma"], "trauma", /injury/],
    [["congenital", "tumour", "trauma"], "tumour", /tumour/],
  ])("%j → %s", (causes, reason, message) => {
    const result = assessEligibility(ordinary("2015-01-01", causes), "2025-05-05");
    expect(result).toEqual({
      status: "not_for_online",
      reason,
      reasons: expect.arrayContaining(causes),
      message: expect.stringMatching(message),
    });
    if (result.status === "not_for_online") {
      expect(result.reasons).toHaveLength(causes.length);
      expect(result.message).toMatch(/consultation/);
      expect(result.message).toMatch(/clinic/);
    }
  });

  it("reports the special case even when onset is recent (waiting would not help)", () => {
    expect(assessEligibility(ordinary("2025-05-01", ["trauma"]), "2025-05-05").status).toBe("not_for_online");
  });

  it("still refuses a future onset for special cases", () => {
    expect(() => assessEligibility(ordinary("2026-01-01", ["tumour"]), "2025-05-05")).toThrow(
      expect.objectContaining({ code: "ONSET_IN_FUTURE" }),
    );
  });
});

const validForm = {
  condition: "bells_palsy",
  specialCauses: [],
  affectedSide: "left",
  onsetDate: "2023-03-10",
  country: "BG",
  timeZone: "Europe/Sofia",
  concerns: ["asymmetric_smile", "synkinesis"],
  freeText: "  Smiling feels stiff in the mornings.  ",
};
const today = "2025-05-05";

function errorsOf(input: unknown, day = today) {
  const result = validateIntake(input, day);
  return result.ok ? [] : result.errors.map((error) => [error.field, error.code]);
}

describe("validateIntake", () => {
  it("accepts a complete form and normalises it", () => {
    const result = validateIntake(validForm, today);
    expect(result).toEqual<{ ok: true; intake: Intake }>({
      ok: true,
      intake: {
        condition: "bells_palsy",
        specialCauses: [],
        affectedSide: "left",
        onsetDate: "2023-03-10",
        country: "BG",
        timeZone: "Europe/Sofia",
        concerns: ["asymmetric_smile", "synkinesis"],
        freeText: "Smiling feels stiff in the mornings.",
      },
    });
  });

  it("accepts single checkbox values posted as strings, lower-case country, duplicates", () => {
    const result = validateIntake(
      { ...validForm, specialCauses: "trauma", concerns: ["tinnitus", "tinnitus"], country: "de", freeText: undefined },
      today,
    );
    expect(result.ok && result.intake).toMatchObject({ specialCauses: ["trauma"], concerns: ["tinnitus"], country: "DE", freeText: "" });
  });

  it("accepts every listed concern and every condition", () => {
    for (const condition of ["bells_palsy", "ramsay_hunt", "other_peripheral"]) {
      expect(errorsOf({ ...validForm, condition, concerns: [...CONCERNS] })).toEqual([]);
    }
  });

  it("accepts onset today and onset decades ago", () => {
    expect(errorsOf({ ...validForm, onsetDate: today })).toEqual([]);
    expect(errorsOf({ ...validForm, onsetDate: "1961-11-02" })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, [string, string][]]>([
    ["missing condition", { condition: undefined }, [["condition", "REQUIRED"]]],
    ["blank condition", { condition: "  " }, [["condition", "REQUIRED"]]],
    ["unknown condition", { condition: "stroke" }, [["condition", "INVALID_OPTION"]]],
    ["unknown special cause", { specialCauses: ["surgery"] }, [["specialCauses", "INVALID_OPTION"]]],
    ["special causes not a list", { specialCauses: 3 }, [["specialCauses", "INVALID_OPTION"]]],
    ["missing side", { affectedSide: "" }, [["affectedSide", "REQUIRED"]]],
    ["unknown side", { affectedSide: "middle" }, [["affectedSide", "INVALID_OPTION"]]],
    ["missing onset", { onsetDate: undefined }, [["onsetDate", "REQUIRED"]]],
    ["impossible onset", { onsetDate: "2023-02-29" }, [["onsetDate", "INVALID_DATE"]]],
    ["onset in another format", { onsetDate: "10.03.2023" }, [["onsetDate", "INVALID_DATE"]]],
    ["onset tomorrow", { onsetDate: "2025-05-06" }, [["onsetDate", "ONSET_IN_FUTURE"]]],
    ["onset typo year", { onsetDate: "0202-03-10" }, [["onsetDate", "ONSET_TOO_EARLY"]]],
    ["missing country", { country: undefined }, [["country", "REQUIRED"]]],
    ["unknown country", { country: "XX" }, [["country", "INVALID_COUNTRY"]]],
    ["region that is not a country", { country: "EU" }, [["country", "INVALID_COUNTRY"]]],
    ["country name instead of code", { country: "Bulgaria" }, [["country", "INVALID_COUNTRY"]]],
    ["missing time zone", { timeZone: "" }, [["timeZone", "REQUIRED"]]],
    ["time zone not in IANA", { timeZone: "Europe/Atlantis" }, [["timeZone", "INVALID_TIME_ZONE"]]],
    ["offset instead of zone", { timeZone: "+02:00" }, [["timeZone", "INVALID_TIME_ZONE"]]],
    ["no concern", { concerns: [] }, [["concerns", "REQUIRED"]]],
    ["unknown concern", { concerns: ["hair_loss"] }, [["concerns", "INVALID_OPTION"]]],
    ["concerns not a list", { concerns: { a: 1 } }, [["concerns", "INVALID_OPTION"]]],
    ["other without description", { concerns: ["other"], freeText: " " }, [["freeText", "REQUIRED"]]],
    ["free text too long", { freeText: "a".repeat(DEFAULT_INTAKE_SETTINGS.freeTextMaxLength + 1) }, [["freeText", "TEXT_TOO_LONG"]]],
    ["free text not text", { freeText: 12 }, [["freeText", "INVALID_TEXT"]]],
  ])("%s", (_label, change, expected) => {
    expect(errorsOf({ ...validForm, ...change })).toEqual(expected);
  });

  it("accepts UTC and a free text at exactly the limit, counting emoji as one character", () => {
    const limit = DEFAULT_INTAKE_SETTINGS.freeTextMaxLength;
    expect(errorsOf({ ...validForm, timeZone: "UTC", freeText: "😀".repeat(limit) })).toEqual([]);
    expect(errorsOf({ ...validForm, freeText: "😀".repeat(limit + 1) })).toEqual([["freeText", "TEXT_TOO_LONG"]]);
  });

  it("uses the configured text limit", () => {
    const result = validateIntake({ ...validForm, freeText: "abcdef" }, today, { ...DEFAULT_INTAKE_SETTINGS, freeTextMaxLength: 5 });
    expect(result.ok).toBe(false);
  });

  it("reports every field of an empty submission at once", () => {
    for (const input of [{}, null, "nonsense", 42]) {
      expect(errorsOf(input)).toEqual([
        ["condition", "REQUIRED"],
        ["affectedSide", "REQUIRED"],
        ["onsetDate", "REQUIRED"],
        ["country", "REQUIRED"],
        ["timeZone", "REQUIRED"],
        ["concerns", "REQUIRED"],
      ]);
    }
  });

  it("gives every error a human message", () => {
    const result = validateIntake({}, today);
    expect(result.ok).toBe(false);
    if (!result.ok) for (const error of result.errors) expect(error.message.length).toBeGreaterThan(5);
  });

  it("refuses an invalid today", () => {
    expect(() => validateIntake(validForm, "2025-13-01")).toThrow(expect.objectContaining({ code: "INVALID_DATE", field: "today" }));
  });

  it("feeds assessEligibility", () => {
    const result = validateIntake({ ...validForm, onsetDate: "2025-01-01", specialCauses: [] }, today);
    expect(result.ok).toBe(true);
    if (result.ok) expect(assessEligibility(result.intake, today)).toMatchObject({ status: "not_yet", eligibleFrom: "2025-09-01" });
  });
});
