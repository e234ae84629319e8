/**
 * The patient journey in a real browser: intake and eligibility, booking a consultation across time
 * zones (Auckland patient, Sofia therapist) with its e-mailed calendar invitation, the consultation's
 * outcome, the planner's proposal of six dates, the patient's acceptance and the first block's payment.
 */
import { expect, test, type Page } from "@playwright/test";
import { addCalendarDays, addCalendarMonths } from "../../server/domain/journey/calendar-date";
import { calendarDaysBetween, todayIn } from "../../server/domain/journey/zoned-time";
import { parseCalendarEvents } from "../setup/calendar-events";
import { localInputValue } from "../../web/components/local-time";
import { expectAccessible, logIn, waitForMail } from "./support/helpers";

test.describe.configure({ mode: "serial" });

const PATIENT_ZONE = "Pacific/Auckland";
const THERAPIST_ZONE = "Europe/Sofia";

/** Exactly how the pages render an instant (web/components/format-time.ts), computed here with Intl. */
function rendered(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(instant);
}
function renderedTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(instant);
}
function renderedDate(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${iso}T00:00:00Z`));
}

async function fillIntake(page: Page, onsetDate: string, timeZone: string) {
  await page.goto("/patient/intake");
  await page.getByLabel("Diagnosed condition").selectOption("bells_palsy");
  await page.getByRole("radio", { name: "Left side" }).check();
  await page.getByLabel("Date the palsy started").fill(onsetDate);
  await page.getByLabel("Country you live in").selectOption("NZ");
  await page.getByLabel("Your time zone").selectOption(timeZone);
  await page.getByRole("checkbox", { name: "Asymmetric smile" }).check();
  await page.getByRole("checkbox", { name: /Synkinesis/ }).check();
  await page.getByRole("button", { name: "Save my answers" }).click();
}

test("intake: an onset in the future is refused on the field; six months ago is not yet eligible, with the date", async ({ page }) => {
  const zone = "America/New_York";
  await logIn(page, "patient3@demo.clinic");
  await page.goto("/patient/intake");
  await expectAccessible(page);
  const today = todayIn(zone, new Date());

  await fillIntake(page, addCalendarDays(today, 3), zone);
  await expect(page.getByLabel("Date the palsy started")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-onsetDate-error")).toHaveText("The date of onset cannot be in the future");
  await expectAccessible(page);
  // Nothing stored: the home page still asks for the questionnaire.
  await page.goto("/patient");
  await expect(page.getByRole("link", { name: "Fill in the questionnaire" })).toBeVisible();

  const onset = addCalendarMonths(today, -6);
  await fillIntake(page, onset, zone);
  await expect(page.getByText("Thank you, your answers are saved.")).toBeVisible();
  // The result is at the top of a long form: focus and scroll move to it.
  await expect(page.getByTestId("intake-saved")).toBeFocused();
  await expect(page.getByTestId("intake-saved")).toBeInViewport();
  await expect(page.getByTestId("eligibility")).toContainText("Not yet eligible for the online program");
  await expect(page.getByTestId("eligible-from")).toHaveText(renderedDate(addCalendarMonths(onset, 8)));
  await expect(page.getByTestId("eligibility").getByRole("link", { name: "Book a consultation" })).toBeVisible();
  await page.goto("/patient");
  await expect(page.getByTestId("eligible-from")).toHaveText(renderedDate(addCalendarMonths(onset, 8)));
  await expectAccessible(page);
});

test("journey: book across zones with an .ics, enrol, propose six dates, accept, record the first payment", async ({ browser }) => {
  test.setTimeout(120_000);
  const patient = await (await browser.newContext()).newPage();
  const therapist = await (await browser.newContext()).newPage();
  const planner = await (await browser.newContext()).newPage();

  // Hemi Walker (Auckland), onset two years ago: eligible.
  await logIn(patient, "patient2@demo.clinic");
  await fillIntake(patient, addCalendarMonths(todayIn(PATIENT_ZONE, new Date()), -24), PATIENT_ZONE);
  await expect(patient.getByTestId("eligibility")).toContainText("You can take part in the online program");

  // Open slots in the patient's zone; pick the first one with Dr. Teodora Ivanova (Sofia).
  await patient.goto("/patient/book");
  await expect(patient.getByRole("heading", { name: "Book a consultation" })).toBeVisible();
  await expect(patient.getByText(PATIENT_ZONE).first()).toBeVisible();
  await expectAccessible(patient);
  const slot = patient.locator("label.slot", { hasText: "Dr. Teodora Ivanova" }).first();
  const value = (await slot.locator("input").getAttribute("value"))!;
  const instant = new Date(value.split("|")[1]);
  await expect(slot.locator(".slot__time")).toHaveText(renderedTime(instant, PATIENT_ZONE));
  await slot.click();
  await patient.getByRole("button", { name: /Book this time/ }).click();
  await expect(patient.getByRole("status")).toContainText("Your consultation is booked");
  await expect(patient.getByTestId("booked-consultation")).toContainText(rendered(instant, PATIENT_ZONE));
  await expect(patient.getByTestId("booked-consultation")).toContainText("Dr. Teodora Ivanova");
  await expect(patient.getByText("Invoice: €145.00 · to be paid by bank transfer")).toBeVisible();
  await expectAccessible(patient);

  // The confirmation e-mail carries a calendar invitation for the same instant.
  const mail = await waitForMail("patient2@demo.clinic", /^Booked:/);
  const ics = mail.attachments.find((a) => a.contentType.startsWith("text/calendar"));
  expect(ics, "calendar attachment").toBeDefined();
  const [event] = parseCalendarEvents(ics!.content);
  expect(event.start.toISOString()).toBe(instant.toISOString());
  expect(event.end.getTime() - event.start.getTime()).toBe(40 * 60_000);

  // The therapist in Sofia sees the same instant on their own clock.
  await logIn(therapist, "therapist1@demo.clinic");
  const booked = therapist.locator(".session-list li", { hasText: "Consultation (40 min) with Hemi Walker" }).filter({ hasText: rendered(instant, THERAPIST_ZONE) });
  await expect(booked).toHaveCount(1);
  expect(rendered(instant, THERAPIST_ZONE)).not.toBe(rendered(instant, PATIENT_ZONE));

  // The consultation held earlier (seeded) is waiting for its outcome: the therapist enrols Hemi.
  await therapist.goto("/therapist/consultations");
  await expectAccessible(therapist);
  const card = therapist.locator("section", { has: therapist.getByRole("heading", { name: /Hemi Walker/ }) });
  await card.getByRole("radio", { name: "Enrol in the online program" }).check();
  await card.getByRole("button", { name: "Record the outcome for Hemi Walker" }).click();
  await expect(therapist.getByRole("status")).toContainText("the patient is enrolled");

  await patient.goto("/patient");
  await expect(patient.getByTestId("next-step")).toContainText("preparing the dates");

  // The planner sees Hemi in the queue and the proposal of six dates 28–35 days apart.
  await logIn(planner, "planner@demo.clinic");
  await expectAccessible(planner);
  const row = planner.getByTestId("queue-row").filter({ hasText: "Hemi Walker" });
  await expect(row).toContainText("Waiting for session dates");
  await row.getByRole("link", { name: "Propose dates" }).click();
  await expect(planner.getByRole("heading", { name: "Session dates for Hemi Walker" })).toBeVisible();
  await expectAccessible(planner);
  const inputs = planner.locator('input[type="datetime-local"]');
  await expect(inputs).toHaveCount(6);
  const dates = await inputs.evaluateAll((els) => els.map((e) => new Date(e.getAttribute("data-instant")!)));
  for (let i = 1; i < 6; i++) {
    const days = calendarDaysBetween(dates[i - 1], dates[i], THERAPIST_ZONE);
    expect(days).toBeGreaterThanOrEqual(28);
    expect(days).toBeLessThanOrEqual(35);
  }
  for (let i = 0; i < 6; i++) await expect(inputs.nth(i)).toHaveValue(localInputValue(dates[i], THERAPIST_ZONE));

  // Session 2 only three weeks after session 1, without a reason: refused on the field, nothing sent.
  await inputs.nth(1).fill(localInputValue(new Date(dates[0].getTime() + 21 * 86_400_000), THERAPIST_ZONE));
  await planner.getByRole("button", { name: "Send the dates to the patient" }).click();
  await expect(planner.locator("#start-1-error")).toContainText("Give a reason");
  await expect(inputs.nth(1)).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(planner);
  await planner.goto("/planner");
  await expect(planner.getByTestId("queue-row").filter({ hasText: "Hemi Walker" })).toContainText("Waiting for session dates");

  await planner.getByTestId("queue-row").filter({ hasText: "Hemi Walker" }).getByRole("link", { name: "Propose dates" }).click();
  await planner.getByRole("button", { name: "Send the dates to the patient" }).click();
  await expect(planner.getByRole("status")).toContainText("The dates are sent to the patient");

  // The patient reviews the six dates in Auckland time and accepts them.
  await patient.goto("/patient");
  await patient.getByRole("link", { name: "Review the proposed dates" }).click();
  const proposed = patient.getByTestId("proposed-dates").locator("li");
  await expect(proposed).toHaveCount(6);
  for (let i = 0; i < 6; i++) await expect(proposed.nth(i)).toContainText(rendered(dates[i], PATIENT_ZONE));
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Accept the dates" }).click();
  await expect(patient.getByRole("status")).toContainText("your sessions are booked");
  await expectAccessible(patient);

  // The planner records the bank transfer for the first block (3 × €315).
  await planner.goto("/planner");
  const invoice = planner.getByTestId("unpaid-invoice").filter({ hasText: "Hemi Walker · Block 1" });
  await expect(invoice).toContainText("€945.00");
  await invoice.locator("summary").click();
  await invoice.getByLabel("Bank reference").fill("SEPA-2026-0042");
  await invoice.getByRole("button", { name: "Record bank transfer" }).click();
  await expect(planner.getByRole("status")).toContainText("Payment recorded: Hemi Walker, €945.00");
  await expect(planner.getByTestId("unpaid-invoice").filter({ hasText: "Hemi Walker · Block 1" })).toHaveCount(0);

  // The planner records the welcome package's shipment; the patient sees it with the tracking number.
  const parcel = planner.getByTestId("package-to-ship").filter({ hasText: "Hemi Walker" });
  await parcel.locator("summary").click();
  await parcel.getByLabel("Carrier").fill("NZ Post");
  await parcel.getByLabel("Tracking number").fill("NZ123456789");
  await parcel.getByRole("button", { name: "Record shipment" }).click();
  await expect(planner.getByRole("status")).toContainText("Shipment recorded");
  await expectAccessible(planner);

  await patient.goto("/patient");
  await expect(patient.locator("#invoices").locator("..")).toContainText("Sessions block 1: €945.00 paid");
  await expect(patient.getByTestId("welcome-package")).toContainText("with NZ Post, tracking number NZ123456789");
  await expect(patient.getByTestId("next-step")).toContainText("join session 1 of 6");
  await expectAccessible(patient);
});

test("working hours: the therapist's page, and a planner editing any therapist's hours", async ({ page }) => {
  await logIn(page, "therapist2@demo.clinic");
  await page.goto("/therapist/availability");
  await expect(page.getByRole("heading", { name: "Working hours of Dr. Martin Keller" })).toBeVisible();
  await expect(page.getByLabel("Monday from")).toHaveValue("09:00");
  await expectAccessible(page);
  await page.getByLabel("Friday until").fill("08:00");
  await page.getByRole("button", { name: "Save weekly hours" }).click();
  await expect(page.locator('[id="d5.0.end-error"]')).toHaveText("The end must be after the start");
  await page.reload();
  await expect(page.getByLabel("Friday until")).toHaveValue("17:00");

  await page.getByLabel("Date").fill(addCalendarDays(todayIn("Europe/Berlin", new Date()), 10));
  await page.getByRole("button", { name: "Add the exception" }).click();
  await expect(page.getByRole("status")).toContainText("Exception added");
  await expect(page.getByText(/not available all day/)).toBeVisible();

  // The planning desk opens any therapist's hours.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You were logged out.")).toBeVisible();
  await logIn(page, "planner@demo.clinic");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Working hours" }).click();
  await page.waitForURL(/\/therapist\/availability$/);
  await page.getByLabel("Therapist", { exact: true }).selectOption({ label: "Dr. Martin Keller" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("heading", { name: "Working hours of Dr. Martin Keller" })).toBeVisible();
  await expect(page.getByText(/not available all day/)).toBeVisible();
  await expectAccessible(page);
});
