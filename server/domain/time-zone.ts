/**
 * The one rule for a time zone anybody may store: every path that accepts one (our forms, better-auth's
 * sign-up and update-user, clinic and therapist settings) goes through `timeZoneSchema`, so no stored
 * zone can make date arithmetic produce nothing (an unknown zone makes luxon's dates invalid).
 */
import { IANAZone } from "luxon";
import { z } from "zod";

let supportedZones: Set<string> | undefined;

// Canonical names come from the runtime; aliases a browser may still report (Europe/Kiev, Asia/Calcutta)
// are accepted when luxon can resolve them and they look like Area/Location, which keeps out offsets
// ("+02:00"), POSIX names ("EST5EDT") and wrong casing.
const AREA_LOCATION = /^[A-Z][A-Za-z_-]*(?:\/[A-Za-z0-9_+-]+)+$/;
/** The longest IANA name is 32 characters; anything much longer is not a zone. */
const MAX_ZONE_LENGTH = 64;

export function isValidTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ZONE_LENGTH) return false;
  if (value === "UTC") return true;
  supportedZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (supportedZones.has(value)) return true;
  return AREA_LOCATION.test(value) && IANAZone.isValidZone(value);
}

export const TIME_ZONE_MESSAGE = "Choose a time zone from the list";

export const timeZoneSchema = z.string().refine(isValidTimeZone, TIME_ZONE_MESSAGE);

export function timeZoneList(): string[] {
  supportedZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  return ["UTC", ...supportedZones].sort();
}
