/**
 * Reads DTSTART/DTEND/UID/STATUS/SEQUENCE of each VEVENT of a calendar file back, so tests check what
 * server/calendar/ics.ts wrote as a calendar client would read it:
 * unfolds RFC 5545 line folding and accepts only UTC date-times, which is all that module writes.
 */
export function parseCalendarEvents(ics: string): { uid: string; start: Date; end: Date; status?: string; sequence?: number; summary?: string }[] {
  const lines = ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const events: { uid: string; start: Date; end: Date; status?: string; sequence?: number; summary?: string }[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT" && current) {
      events.push({
        uid: current.UID ?? "",
        start: parseUtc(current.DTSTART ?? ""),
        end: parseUtc(current.DTEND ?? ""),
        status: current.STATUS,
        sequence: current.SEQUENCE === undefined ? undefined : Number(current.SEQUENCE),
        summary: current.SUMMARY,
      });
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      if (colon > 0) current[line.slice(0, colon).split(";")[0]] = line.slice(colon + 1);
    }
  }
  return events;
}

function parseUtc(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
