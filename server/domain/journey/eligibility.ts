/**
 * Who may start the online program, and what the intake form must contain.
 *
 * The clinic steps in once natural recovery has plateaued, hence a minimum time since onset; heavy cases
 * (congenital, trauma- or tumour-related palsy) need the clinic, not a video program. Nobody is silently
 * refused: every outcome that is not "eligible" carries a message for the patient.
 */
import { addCalendarMonths, compareIsoDates, type IsoDate, isIsoDate } from "./calendar-date";
import { DomainError, type FieldError } from "../domain-error";
import { isValidTimeZone } from "./zoned-time";

export const CONDITIONS = ["bells_palsy", "ramsay_hunt", "other_peripheral"] as const;
export type Condition = (typeof CONDITIONS)[number];

// Ordered by how strongly each points to in-person care: the first one present is the reason shown.
export const SPECIAL_CAUSES = ["tumour", "trauma", "congenital"] as const;
export type SpecialCause = (typeof SPECIAL_CAUSES)[number];

export const AFFECTED_SIDES = ["left", "right", "both"] as const;
export type AffectedSide = (typeof AFFECTED_SIDES)[number];

export const CONCERNS = [
  "asymmetric_smile",
  "pain_tension",
  "incomplete_recovery",
  "crocodile_tears",
  "synkinesis",
  "headaches",
  "neck_shoulder_tension",
  "tinnitus",
  "deeper_nasolabial_fold",
  "chin_dimpling",
  "other",
] as const;
export type Concern = (typeof CONCERNS)[number];

export interface Intake {
  condition: Condition;
  /** Checklist on the form; empty for the ordinary case. */
  specialCauses: SpecialCause[];
  affectedSide: AffectedSide;
  onsetDate: IsoDate;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  timeZone: string;
  concerns: Concern[];
  freeText: string;
}

export interface EligibilitySettings {
  minMonthsSinceOnset: number;
}

export const DEFAULT_ELIGIBILITY_SETTINGS: EligibilitySettings = { minMonthsSinceOnset: 8 };

export type Eligibility =
  | { status: "eligible" }
  | { status: "not_yet"; eligibleFrom: IsoDate; message: string }
  | { status: "not_for_online"; reason: SpecialCause; reasons: SpecialCause[]; message: string };

const NOT_FOR_ONLINE_MESSAGES: Record<SpecialCause, string> = {
  tumour:
    "Facial palsy related to a tumour needs an in-person assessment, so the online program is not offered. " +
    "Please book a consultation or contact the clinic to discuss the right care.",
  trauma:
    "Facial palsy caused by an injury needs an in-person assessment, so the online program is not offered. " +
    "Please book a consultation or contact the clinic to discuss the right care.",
  congenital:
    "Facial palsy present from birth needs an in-person assessment, so the online program is not offered. " +
    "Please book a consultation or contact the clinic to discuss the right care.",
};

/**
 * Eligible from the onset date plus `minMonthsSinceOnset` calendar months (clamped to the month end, see
 * `addCalendarMonths`), inclusive: with onset 2024-01-15 and 8 months, 2024-09-15 is the first eligible day.
 * Special causes win over timing, because waiting would not change the answer.
 */
export function assessEligibility(
  intake: Pick<Intake, "onsetDate" | "specialCauses">,
  today: IsoDate,
  settings: EligibilitySettings = DEFAULT_ELIGIBILITY_SETTINGS,
): Eligibility {
  if (!Number.isInteger(settings.minMonthsSinceOnset) || settings.minMonthsSinceOnset < 0) {
    throw new DomainError("INVALID_SETTING", "Minimum months since onset must be a whole number ≥ 0", "minMonthsSinceOnset");
  }
  if (!isIsoDate(today)) throw new DomainError("INVALID_DATE", "Today is not a calendar date", "today");
  if (!isIsoDate(intake.onsetDate)) {
    throw new DomainError("INVALID_DATE", "The date of onset is not a valid date", "onsetDate");
  }
  if (compareIsoDates(intake.onsetDate, today) > 0) {
    throw new DomainError("ONSET_IN_FUTURE", "The date of onset cannot be in the future", "onsetDate");
  }

  const reasons = SPECIAL_CAUSES.filter((cause) => intake.specialCauses.includes(cause));
  if (reasons.length > 0) {
    const reason = reasons[0];
    return { status: "not_for_online", reason, reasons, message: NOT_FOR_ONLINE_MESSAGES[reason] };
  }

  const eligibleFrom = addCalendarMonths(intake.onsetDate, settings.minMonthsSinceOnset);
  if (compareIsoDates(today, eligibleFrom) < 0) {
    return {
      status: "not_yet",
      eligibleFrom,
      message:
        `The online program starts once natural recovery has had ${settings.minMonthsSinceOnset} months ` +
        `(from ${eligibleFrom}). You can already book a consultation to discuss your situation.`,
    };
  }
  return { status: "eligible" };
}

export interface IntakeSettings {
  freeTextMaxLength: number;
  /** Guards against typos such as 0202 for 2020; decades-old onsets are fine. */
  earliestOnsetDate: IsoDate;
}

export const DEFAULT_INTAKE_SETTINGS: IntakeSettings = { freeTextMaxLength: 4000, earliestOnsetDate: "1900-01-01" };

// ISO 3166-1 alpha-2 codes in use, plus XK (Kosovo), which ISO leaves user-assigned but everyone uses.
const COUNTRY_CODES = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ " +
    "BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR " +
    "CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
    "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
    "LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ " +
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF " +
    "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI " +
    "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR " +
    "TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
  ).split(" "),
);

export function isCountryCode(value: string): boolean {
  return COUNTRY_CODES.has(value);
}

export type IntakeValidation = { ok: true; intake: Intake } | { ok: false; errors: FieldError[] };

function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (options as readonly string[]).includes(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

// A form posts one checked box as a string and several as an array; both mean a list.
function list(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value : undefined;
}

/**
 * Checks the intake form and returns every field error at once (nothing is saved unless all pass).
 * `today` is the patient's local date (see `todayIn`), so an onset entered "today" in Auckland is not in
 * the future for a server in UTC. Length limits count characters (code points), not UTF-16 units.
 */
export function validateIntake(
  input: unknown,
  today: IsoDate,
  settings: IntakeSettings = DEFAULT_INTAKE_SETTINGS,
): IntakeValidation {
  if (!isIsoDate(today)) throw new DomainError("INVALID_DATE", "Today is not a calendar date", "today");
  const raw: Record<string, unknown> = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
  const errors: FieldError[] = [];
  const fail = (field: string, code: string, message: string) => errors.push({ field, code, message });

  const condition = text(raw.condition);
  if (!condition) fail("condition", "REQUIRED", "Choose the condition you were diagnosed with");
  else if (!isOneOf(CONDITIONS, condition)) fail("condition", "INVALID_OPTION", "Choose one of the listed conditions");

  const causes = list(raw.specialCauses);
  if (!causes || !causes.every((cause) => isOneOf(SPECIAL_CAUSES, cause))) {
    fail("specialCauses", "INVALID_OPTION", "Choose only from the listed causes");
  }

  const affectedSide = text(raw.affectedSide);
  if (!affectedSide) fail("affectedSide", "REQUIRED", "Choose the affected side of the face");
  else if (!isOneOf(AFFECTED_SIDES, affectedSide)) fail("affectedSide", "INVALID_OPTION", "Choose left, right or both");

  const onsetDate = text(raw.onsetDate);
  if (!onsetDate) fail("onsetDate", "REQUIRED", "Enter the date the palsy started");
  else if (!isIsoDate(onsetDate)) fail("onsetDate", "INVALID_DATE", "Enter a real date (YYYY-MM-DD)");
  else if (compareIsoDates(onsetDate, today) > 0) fail("onsetDate", "ONSET_IN_FUTURE", "The date of onset cannot be in the future");
  else if (compareIsoDates(onsetDate, settings.earliestOnsetDate) < 0) {
    fail("onsetDate", "ONSET_TOO_EARLY", `The date of onset cannot be before ${settings.earliestOnsetDate}`);
  }

  const country = text(raw.country)?.toUpperCase();
  if (!country) fail("country", "REQUIRED", "Choose your country");
  else if (!isCountryCode(country)) fail("country", "INVALID_COUNTRY", "Choose a country from the list");

  const timeZone = text(raw.timeZone);
  if (!timeZone) fail("timeZone", "REQUIRED", "Choose your time zone");
  else if (!isValidTimeZone(timeZone)) fail("timeZone", "INVALID_TIME_ZONE", "Choose a time zone from the list");

  const concerns = list(raw.concerns);
  if (!concerns || !concerns.every((concern) => isOneOf(CONCERNS, concern))) {
    fail("concerns", "INVALID_OPTION", "Choose only from the listed issues");
  } else if (concerns.length === 0) {
    // The therapist prepares the consultation from this list; an empty one tells them nothing.
    fail("concerns", "REQUIRED", "Choose at least one issue you want to address");
  }

  const freeText = raw.freeText === undefined || raw.freeText === null ? "" : text(raw.freeText);
  if (freeText === undefined) fail("freeText", "INVALID_TEXT", "Enter text");
  else if ([...freeText].length > settings.freeTextMaxLength) {
    fail("freeText", "TEXT_TOO_LONG", `Keep this to ${settings.freeTextMaxLength} characters or fewer`);
  } else if (freeText === "" && concerns?.includes("other")) {
    fail("freeText", "REQUIRED", "Describe the other issue you want to address");
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    intake: {
      condition: condition as Condition,
      specialCauses: SPECIAL_CAUSES.filter((cause) => (causes as unknown[]).includes(cause)),
      affectedSide: affectedSide as AffectedSide,
      onsetDate: onsetDate as IsoDate,
      country: country as string,
      timeZone: timeZone as string,
      concerns: CONCERNS.filter((concern) => (concerns as unknown[]).includes(concern)),
      freeText: freeText as string,
    },
  };
}
