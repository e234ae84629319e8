/**
 * E-mails of the patient journey: bookings and their changes, proposed and accepted plans, reminders,
 * invoices. Every time is written in the recipient's own zone, with the zone named, because the patient
 * and the therapist are often in different countries. Calendar invites travel as .ics attachments
 * (see server/calendar/ics.ts); these functions only render words.
 */
import { DateTime } from "luxon";
import { formatMoney } from "../domain/journey/billing";
import { type SessionKind, sessionKinds } from "../domain/session-kinds";
import type { RenderedMail } from "./templates";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function render(subject: string, paragraphs: string[], link?: { url: string; label: string }): RenderedMail {
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">` +
    paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("") +
    (link
      ? `<p><a href="${escapeHtml(link.url)}" style="background:#0f5c6e;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(link.label)}</a></p>`
      : "") +
    `</body></html>`;
  const text = paragraphs.join("\n\n") + (link ? `\n\n${link.label}: ${link.url}` : "");
  return { subject, text, html };
}

/** "Monday 2 March 2026, 09:00 (Pacific/Auckland)": unambiguous for a reader anywhere. */
export function formatWhen(instant: Date, timeZone: string, locale = "en-GB"): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone }).setLocale(locale);
  return `${local.toFormat("cccc d LLLL yyyy, HH:mm")} (${timeZone})`;
}

export interface SessionMailInput {
  recipientName: string;
  recipientTimeZone: string;
  /** The other person in the call, named for context. */
  counterpartName: string;
  kind: SessionKind;
  sequence?: number | null;
  startsAt: Date;
  endsAt: Date;
  url: string;
}

function sessionTitle(input: Pick<SessionMailInput, "kind" | "sequence">): string {
  const base = sessionKinds.label(input.kind).toLowerCase();
  return input.kind === "program" && input.sequence ? `${base} ${input.sequence}` : base;
}

function minutes(input: Pick<SessionMailInput, "startsAt" | "endsAt">): number {
  return Math.round((input.endsAt.getTime() - input.startsAt.getTime()) / 60_000);
}

export function sessionBookedEmail(input: SessionMailInput): RenderedMail {
  const title = sessionTitle(input);
  return render(
    `Booked: your ${title} on ${formatWhen(input.startsAt, input.recipientTimeZone)}`,
    [
      `Hello ${input.recipientName},`,
      `Your ${title} with ${input.counterpartName} is booked for ${formatWhen(input.startsAt, input.recipientTimeZone)} and lasts ${minutes(input)} minutes.`,
      "The calendar invitation is attached. You will get a reminder the day before and one hour before.",
    ],
    { url: input.url, label: "Open the session page" },
  );
}

export function sessionRescheduledEmail(input: SessionMailInput & { previousStartsAt: Date }): RenderedMail {
  const title = sessionTitle(input);
  return render(
    `Moved: your ${title} is now on ${formatWhen(input.startsAt, input.recipientTimeZone)}`,
    [
      `Hello ${input.recipientName},`,
      `Your ${title} with ${input.counterpartName} has moved from ${formatWhen(input.previousStartsAt, input.recipientTimeZone)} to ${formatWhen(input.startsAt, input.recipientTimeZone)}.`,
      "The attached invitation updates the event in your calendar.",
    ],
    { url: input.url, label: "Open the session page" },
  );
}

export function sessionCancelledEmail(input: SessionMailInput & { reason?: string | null }): RenderedMail {
  const title = sessionTitle(input);
  return render(
    `Cancelled: your ${title} on ${formatWhen(input.startsAt, input.recipientTimeZone)}`,
    [
      `Hello ${input.recipientName},`,
      `Your ${title} with ${input.counterpartName} on ${formatWhen(input.startsAt, input.recipientTimeZone)} has been cancelled.`,
      ...(input.reason ? [`Reason: ${input.reason}`] : []),
      "The attached file removes it from your calendar.",
    ],
  );
}

export function sessionReminderEmail(input: SessionMailInput & { lead: "24h" | "1h" }): RenderedMail {
  const title = sessionTitle(input);
  const when = input.lead === "24h" ? "tomorrow" : "in one hour";
  return render(
    `Reminder: your ${title} ${when}, ${formatWhen(input.startsAt, input.recipientTimeZone)}`,
    [
      `Hello ${input.recipientName},`,
      `This is a reminder of your ${title} with ${input.counterpartName} ${when}: ${formatWhen(input.startsAt, input.recipientTimeZone)}.`,
      "Use a laptop or phone with a camera, in a quiet, well-lit room. Open the session page a few minutes early to check your camera and microphone.",
    ],
    { url: input.url, label: "Open the session page" },
  );
}

export interface PlanMailInput {
  recipientName: string;
  recipientTimeZone: string;
  sessions: { sequence: number; startsAt: Date }[];
  url: string;
}

function planLines(input: PlanMailInput): string {
  return input.sessions.map((s) => `Session ${s.sequence}: ${formatWhen(s.startsAt, input.recipientTimeZone)}`).join("\n");
}

export function planProposedEmail(input: PlanMailInput): RenderedMail {
  return render(
    "Your proposed session dates",
    [
      `Hello ${input.recipientName},`,
      "The planning desk proposes these dates for your sessions (each 1.5 hours):",
      planLines(input),
      "Please accept them, or tell us what would suit you better.",
    ],
    { url: input.url, label: "Review the dates" },
  );
}

export function planAcceptedEmail(input: PlanMailInput): RenderedMail {
  return render(
    "Your sessions are booked",
    [
      `Hello ${input.recipientName},`,
      "Thank you. These sessions are now booked; the attached invitation adds them all to your calendar:",
      planLines(input),
    ],
    { url: input.url, label: "Open my program" },
  );
}

export function invoiceReminderEmail(input: {
  recipientName: string;
  recipientTimeZone: string;
  amountCents: number;
  currency: string;
  dueAt: Date;
  description: string;
  url: string;
}): RenderedMail {
  const amount = formatMoney(input.amountCents, input.currency);
  return render(
    `Payment reminder: ${amount} due ${formatWhen(input.dueAt, input.recipientTimeZone)}`,
    [
      `Hello ${input.recipientName},`,
      `${input.description}: ${amount} is due by ${formatWhen(input.dueAt, input.recipientTimeZone)}.`,
      "Sessions of a block start once it is paid. If you have already paid, thank you: the planning desk will record it shortly.",
    ],
    { url: input.url, label: "See my invoices" },
  );
}

/**
 * The consultation's outcome when it is not the online program: the specialist's reason in their own
 * words, and how to reach the clinic to talk it over or arrange the visit.
 */
export function consultationOutcomeEmail(input: {
  recipientName: string;
  outcome: "not_suitable" | "clinic_visit";
  reason: string;
  clinicContact: string;
  url: string;
}): RenderedMail {
  const notSuitable = input.outcome === "not_suitable";
  return render(
    notSuitable ? "About your consultation: the online program is not suitable for you" : "About your consultation: a visit to the clinic is recommended",
    [
      `Hello ${input.recipientName},`,
      notSuitable
        ? "After your video consultation, your specialist concluded that the online program is not the right treatment for you at this time."
        : "After your video consultation, your specialist recommends that you continue with a visit to the clinic rather than the online program.",
      ...(input.reason ? [`Your specialist's explanation:\n${input.reason}`] : []),
      notSuitable
        ? `If you have questions, or would like to talk about other options, contact ${input.clinicContact}.`
        : `To arrange your visit, contact ${input.clinicContact}.`,
    ],
    { url: input.url, label: "Open my page" },
  );
}
