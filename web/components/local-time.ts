/** `<input type="datetime-local">` values ("YYYY-MM-DDTHH:mm") read and written on a given zone's wall clock. */
import { isIsoDate } from "../../server/domain/journey/calendar-date";
import { wallClockToInstant } from "../../server/domain/journey/zoned-time";

/** The instant a datetime-local value means in `timeZone`; null when the value is not a date and time. */
export function instantFromLocalInput(value: string | undefined, timeZone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec((value ?? "").trim());
  if (!m || !isIsoDate(m[1])) return null;
  try {
    return wallClockToInstant(m[1], m[2], timeZone);
  } catch {
    return null;
  }
}

/** The datetime-local value showing `instant` on the wall clock of `timeZone`. */
export function localInputValue(instant: string | Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
