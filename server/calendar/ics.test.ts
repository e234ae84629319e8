import { describe, expect, it } from "vitest";
import { parseCalendarEvents } from "../../tests/setup/calendar-events";
import { buildCalendar, calendarAttachment } from "./ics";

const event = {
  id: "6f1c2d4e-0000-4000-8000-000000000001",
  start: new Date("2026-12-01T08:30:00Z"),
  end: new Date("2026-12-01T10:00:00Z"),
  title: "Program session 1: Hemi Walker with Dr. Teodora Ivanova",
  description: "Join from your browser: https://clinic.example/sessions/6f1c2d4e-0000-4000-8000-000000000001 — a long line that RFC 5545 folds",
  sequence: 0,
  organizer: { name: "Clinic", email: "no-reply@clinic.example" },
};

describe("ics", () => {
  it("writes UTC times (no TZID support in `ics`), a stable UID and the method", () => {
    const ics = buildCalendar([event], { method: "REQUEST", domain: "clinic.example" });
    expect(ics).toContain("METHOD:REQUEST");
    expect(ics).toContain("DTSTART:20261201T083000Z");
    expect(ics).toContain("DTEND:20261201T100000Z");
    expect(ics).not.toContain("TZID");
    const [parsed] = parseCalendarEvents(ics);
    expect(parsed).toMatchObject({ uid: `${event.id}@clinic.example`, start: event.start, end: event.end, status: "CONFIRMED", sequence: 0 });
    expect(ics.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it("the same instant regardless of the zone it was entered in", () => {
    const auckland = new Date("2026-03-03T20:00:00+13:00");
    const sofia = new Date("2026-03-03T09:00:00+02:00");
    const a = parseCalendarEvents(buildCalendar([{ ...event, start: auckland, end: new Date(auckland.getTime() + 40 * 60_000) }]))[0];
    const b = parseCalendarEvents(buildCalendar([{ ...event, start: sofia, end: new Date(sofia.getTime() + 40 * 60_000) }]))[0];
    expect(a.start.toISOString()).toBe("2026-03-03T07:00:00.000Z");
    expect(b.start).toEqual(a.start);
  });

  it("cancels with METHOD:CANCEL, STATUS:CANCELLED and a higher SEQUENCE", () => {
    const ics = buildCalendar([{ ...event, cancelled: true, sequence: 2 }], { method: "CANCEL" });
    expect(ics).toContain("METHOD:CANCEL");
    expect(parseCalendarEvents(ics)[0]).toMatchObject({ status: "CANCELLED", sequence: 2 });
    expect(calendarAttachment(ics, "CANCEL")).toMatchObject({ filename: "cancelled.ics", contentType: "text/calendar; charset=utf-8; method=CANCEL" });
  });

  it("holds a whole plan in one calendar and refuses an empty or inverted event", () => {
    const plan = [0, 28, 56].map((days, i) => ({ ...event, id: `s${i}`, start: new Date(event.start.getTime() + days * 86_400_000), end: new Date(event.end.getTime() + days * 86_400_000) }));
    expect(parseCalendarEvents(buildCalendar(plan)).map((e) => e.uid)).toEqual(["s0@clinic.invalid", "s1@clinic.invalid", "s2@clinic.invalid"]);
    expect(() => buildCalendar([])).toThrow();
    expect(() => buildCalendar([{ ...event, end: event.start }])).toThrow(/valid time range/);
  });
});
