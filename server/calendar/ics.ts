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
