/**
 * The clinic's numbers (prices, durations, intervals, notice periods) with the defaults of docs/product-brief.md §3.
 * An admin changes them; each is one row of `clinic_setting` (key → jsonb). Rows that no longer pass
 * validation are ignored in favour of the default rather than breaking bookings.
 */
import { z } from "zod";
import { type BillingSettings, DEFAULT_BILLING_SETTINGS } from "../../domain/journey/billing";
import { DEFAULT_ELIGIBILITY_SETTINGS, type EligibilitySettings } from "../../domain/journey/eligibility";
import { DEFAULT_PROGRAM_SETTINGS, type ProgramSettings } from "../../domain/journey/program-state";
import { DEFAULT_SESSION_PLAN_SETTINGS, type SessionPlanSettings } from "../../domain/journey/session-intervals";
import { isValidTimeZone } from "../../domain/journey/zoned-time";
import { jsonb } from "../../jobs/queue";
import type { Actor, AppServices } from "../context";
import { type JourneyResult, ok, parseInput, type Queryable, requireRole } from "./common";

const minutes = z.number().int().min(1).max(24 * 60);
const text = (max: number) => z.string().trim().max(max, `Keep this under ${max} characters`);
const cents = z.number().int().min(0).max(10_000_000);

export const journeySettingsSchema = z.object({
  clinicTimeZone: z.string().refine(isValidTimeZone, "Choose a time zone from the list"),
  consultationMinutes: minutes,
  sessionMinutes: minutes,
  conclusionMinutes: minutes,
  slotStepMinutes: minutes,
  /** No booking closer than this to its start. */
  minNoticeMinutes: z.number().int().min(0).max(30 * 24 * 60),
  /** How far ahead consultation slots are offered. */
  bookingHorizonDays: z.number().int().min(1).max(365),
  /** A patient may move or cancel a booking until this many hours before it starts. */
  changeNoticeHours: z.number().int().min(0).max(24 * 30),
  planProposalWorkingDays: z.number().int().min(1).max(30),
  planRevisionWorkingDays: z.number().int().min(1).max(30),
  minMonthsSinceOnset: z.number().int().min(0).max(120),
  minDaysBetweenSessions: z.number().int().min(1).max(365),
  maxDaysBetweenSessions: z.number().int().min(1).max(365),
  firstSessionSearchDays: z.number().int().min(1).max(120),
  currency: z.string().regex(/^[A-Z]{3}$/, "Use a three-letter currency code"),
  consultationPriceCents: cents,
  sessionPriceCents: cents,
  conclusionPriceCents: cents,
  supportingSessionPriceCents: cents,
  blockSize: z.number().int().min(1).max(12),
  invoiceDueDaysBefore: z.number().int().min(0).max(60),
  /** The invoice reminder goes out this many days before the due date. */
  invoiceReminderDaysBefore: z.number().int().min(0).max(60),
  module1Sessions: z.number().int().min(1).max(24),
  module2Sessions: z.number().int().min(1).max(24),
  shortExtensionSessions: z.number().int().min(1).max(24),
  longExtensionSessions: z.number().int().min(1).max(24),
  /** How patients reach the clinic: shown wherever a message says "contact the clinic". */
  clinicAddress: text(500),
  clinicEmail: z.union([z.literal(""), z.email("Enter an e-mail address like desk@clinic.example")]),
  clinicPhone: text(40),
  /** Name, registration and VAT numbers printed on invoices. */
  clinicLegalDetails: text(1000),
  bankAccountHolder: text(200),
  bankIban: z.string().trim().transform((v) => v.replace(/\s+/g, "").toUpperCase()).pipe(z.string().regex(/^([A-Z]{2}[0-9]{2}[A-Z0-9]{10,30})?$/, "Enter an IBAN such as BG80BNBG96611020345678")),
  bankBic: z.string().trim().toUpperCase().regex(/^([A-Z0-9]{8}|[A-Z0-9]{11})?$/, "Enter a BIC of 8 or 11 letters and digits"),
  /** A consultation invoice is due this many days after it is issued (never after the consultation). */
  paymentTermsDays: z.number().int().min(0).max(90),
  /** The VAT line printed under the total, e.g. "VAT exempt (medical care, Art. 39 VAT Act)". */
  vatNote: text(300),
});

export type JourneySettings = z.infer<typeof journeySettingsSchema>;

export const DEFAULT_JOURNEY_SETTINGS: JourneySettings = {
  clinicTimeZone: "Europe/Sofia",
  consultationMinutes: 40,
  sessionMinutes: 90,
  conclusionMinutes: 30,
  slotStepMinutes: 30,
  minNoticeMinutes: 24 * 60,
  bookingHorizonDays: 28,
  changeNoticeHours: 24,
  planProposalWorkingDays: 5,
  planRevisionWorkingDays: 2,
  minMonthsSinceOnset: DEFAULT_ELIGIBILITY_SETTINGS.minMonthsSinceOnset,
  minDaysBetweenSessions: DEFAULT_SESSION_PLAN_SETTINGS.minDays,
  maxDaysBetweenSessions: DEFAULT_SESSION_PLAN_SETTINGS.maxDays,
  firstSessionSearchDays: DEFAULT_SESSION_PLAN_SETTINGS.firstSessionSearchDays,
  currency: DEFAULT_BILLING_SETTINGS.currency,
  consultationPriceCents: DEFAULT_BILLING_SETTINGS.consultationPriceCents,
  sessionPriceCents: DEFAULT_BILLING_SETTINGS.sessionPriceCents,
  conclusionPriceCents: DEFAULT_BILLING_SETTINGS.conclusionPriceCents,
  supportingSessionPriceCents: DEFAULT_BILLING_SETTINGS.supportingSessionPriceCents,
  blockSize: DEFAULT_BILLING_SETTINGS.blockSize,
  invoiceDueDaysBefore: DEFAULT_BILLING_SETTINGS.invoiceDueDaysBefore,
  invoiceReminderDaysBefore: 3,
  module1Sessions: DEFAULT_PROGRAM_SETTINGS.module1Sessions,
  module2Sessions: DEFAULT_PROGRAM_SETTINGS.module2Sessions,
  shortExtensionSessions: DEFAULT_PROGRAM_SETTINGS.shortExtensionSessions,
  longExtensionSessions: DEFAULT_PROGRAM_SETTINGS.longExtensionSessions,
  clinicAddress: "",
  clinicEmail: "",
  clinicPhone: "",
  clinicLegalDetails: "",
  bankAccountHolder: "",
  bankIban: "",
  bankBic: "",
  paymentTermsDays: 14,
  vatNote: "",
};

export interface ClinicContact {
  address: string;
  email: string;
  phone: string;
}

export function clinicContactOf(s: JourneySettings): ClinicContact {
  return { address: s.clinicAddress, email: s.clinicEmail, phone: s.clinicPhone };
}

/** "the clinic (desk@clinic.example, +359 2 000 0000)": how a message tells the patient to reach the clinic. */
export function describeClinicContact(contact: ClinicContact): string {
  const parts = [contact.email, contact.phone, contact.address.replace(/\s*\n\s*/g, ", ")].filter(Boolean);
  return parts.length ? `the clinic (${parts.join(" · ")})` : "the clinic";
}

export async function loadJourneySettings(db: Queryable): Promise<JourneySettings> {
  const rows = await db.selectFrom("clinicSetting").select(["key", "value"]).execute();
  const settings: Record<string, unknown> = { ...DEFAULT_JOURNEY_SETTINGS };
  const shape = journeySettingsSchema.shape as Record<string, z.ZodType>;
  for (const row of rows) {
    const field = shape[row.key];
    if (field?.safeParse(row.value).success) settings[row.key] = row.value;
  }
  const merged = settings as JourneySettings;
  return merged.maxDaysBetweenSessions >= merged.minDaysBetweenSessions
    ? merged
    : { ...merged, minDaysBetweenSessions: DEFAULT_JOURNEY_SETTINGS.minDaysBetweenSessions, maxDaysBetweenSessions: DEFAULT_JOURNEY_SETTINGS.maxDaysBetweenSessions };
}

export function billingSettingsOf(s: JourneySettings): BillingSettings {
  return {
    currency: s.currency,
    consultationPriceCents: s.consultationPriceCents,
    sessionPriceCents: s.sessionPriceCents,
    conclusionPriceCents: s.conclusionPriceCents,
    supportingSessionPriceCents: s.supportingSessionPriceCents,
    blockSize: s.blockSize,
    invoiceDueDaysBefore: s.invoiceDueDaysBefore,
  };
}

export function planSettingsOf(s: JourneySettings): SessionPlanSettings {
  return { minDays: s.minDaysBetweenSessions, maxDays: s.maxDaysBetweenSessions, firstSessionSearchDays: s.firstSessionSearchDays };
}

export function programSettingsOf(s: JourneySettings): ProgramSettings {
  return {
    module1Sessions: s.module1Sessions,
    module2Sessions: s.module2Sessions,
    shortExtensionSessions: s.shortExtensionSessions,
    longExtensionSessions: s.longExtensionSessions,
  };
}

export function eligibilitySettingsOf(s: JourneySettings): EligibilitySettings {
  return { minMonthsSinceOnset: s.minMonthsSinceOnset };
}

/** Admin only. Accepts any subset of the settings; returns the settings now in force. */
export async function updateJourneySettings(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<JourneySettings>> {
  requireRole(actor, "admin");
  const parsed = parseInput(
    journeySettingsSchema
      .partial()
      .strict()
      .superRefine((v, ctx) => {
        if (v.minDaysBetweenSessions !== undefined && v.maxDaysBetweenSessions !== undefined && v.maxDaysBetweenSessions < v.minDaysBetweenSessions) {
          ctx.addIssue({ code: "custom", path: ["maxDaysBetweenSessions"], message: "The maximum must be at least the minimum" });
        }
      }),
    input,
  );
  if (!parsed.ok) return parsed.failure;
  const now = services.now();
  await services.db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(parsed.data)) {
      if (value === undefined) continue;
      await trx
        .insertInto("clinicSetting")
        .values({ key, value: jsonb(value), updatedBy: actor.userId, updatedAt: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: jsonb(value), updatedBy: actor.userId, updatedAt: now }))
        .execute();
    }
  });
  return ok(await loadJourneySettings(services.db));
}
