/**
 * Calendar invitations (.ics) for session e-mails, with the `ics` package.
 *
 * `ics` has no TZID/VTIMEZONE support (see docs/research/stack.md, "Calendar files"), so every time is written in UTC
 * (`DTSTART:20261201T083000Z`): unambiguous, and every calendar client shows it in the reader's own zone.
 * The UID is stable per session and SEQUENCE grows with each change, so a rescheduled or cancelled session
 * replaces the event already in the patient's calendar instead of adding a second one.
 */
import { createEvents, type EventAttributes } from "ics";

export const ICS_PRODUCT_ID = "facial-palsy-clinic/journey";

export interface CalendarEvent {
  /** Stable id of the session; becomes `<id>@<domain>`. */
  id: string;
  start: Date;
  end: Date;
  title: string;
  description?: string;
  url?: string;
  sequence: number;
  cancelled?: boolean;
  organizer?: { name: string; email: string };
  attendees?: { name: string; email: string }[];
}

export type CalendarMethod = "PUBLISH" | "REQUEST" | "CANCEL";

export function eventUid(id: string, domain = "clinic.invalid"): string {
  return `${id}@${domain}`;
}

function toAttributes(event: CalendarEvent, domain: string): EventAttributes {
  return {
    uid: eventUid(event.id, domain),
    start: event.start.getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    end: event.end.getTime(),
    endInputType: "utc",
    endOutputType: "utc",
    title: event.title,
    description: event.description,
    url: event.url,
    sequence: event.sequence,
    status: event.cancelled ? "CANCELLED" : "CONFIRMED",
    busyStatus: event.cancelled ? "FREE" : "BUSY",
    organizer: event.organizer,
    attendees: event.attendees?.map((a) => ({ ...a, rsvp: false, partstat: "ACCEPTED", role: "REQ-PARTICIPANT" })),
  };
}

/** One VCALENDAR holding every event (a plan of six sessions is one attachment). Throws on bad input. */
export function buildCalendar(events: readonly CalendarEvent[], options: { method?: CalendarMethod; domain?: string } = {}): string {
  if (events.length === 0) throw new Error("A calendar needs at least one event");
  for (const event of events) {
    if (Number.isNaN(event.start.getTime()) || Number.isNaN(event.end.getTime()) || event.end <= event.start) {
      throw new Error(`Event ${event.id} has no valid time range`);
    }
  }
  const domain = options.domain ?? "clinic.invalid";
  const { error, value } = createEvents(
    events.map((event) => toAttributes(event, domain)),
    { productId: ICS_PRODUCT_ID, method: options.method ?? "PUBLISH" },
  );
  if (error || !value) throw error ?? new Error("ics produced no calendar");
  return value;
}

/** The e-mail attachment for `buildCalendar`'s output. */
export function calendarAttachment(ics: string, method: CalendarMethod = "PUBLISH") {
  return {
    filename: method === "CANCEL" ? "cancelled.ics" : "invite.ics",
    content: ics,
    contentType: `text/calendar; charset=utf-8; method=${method}`,
  };
}

/**
 * Reads DTSTART/DTEND/UID/STATUS/SEQUENCE of each VEVENT back (for tests and for checking an attachment):
 * unfolds RFC 5545 line folding and accepts only UTC date-times, which is all this module writes.
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
