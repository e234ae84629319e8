/**
 * Prices and the pay-per-block rule. Money is always integer cents: no floating-point euros anywhere.
 *
 * Sessions are paid in advance in blocks of three (1–3, 4–6, 7–9, 10–12): before session 1 the first
 * block is paid, after session 3 the next, and so on. The same numbering covers module 2 and extensions,
 * so a 9-session program has three blocks and a 12-session one four.
 */
import { DateTime } from "luxon";
import { DomainError } from "../domain-error";
import { assertInstant, assertTimeZone } from "./zoned-time";

export interface BillingSettings {
  currency: string;
  consultationPriceCents: number;
  sessionPriceCents: number;
  /** The conclusion after module 1 is complimentary; kept as a price so an admin sees it. */
  conclusionPriceCents: number;
  /** The brief names no separate price, so a supporting session costs a program session by default. */
  supportingSessionPriceCents: number;
  blockSize: number;
  /** Days before the block's first session that its invoice is due (0 = at the session start). */
  invoiceDueDaysBefore: number;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  currency: "EUR",
  consultationPriceCents: 14_500,
  sessionPriceCents: 31_500,
  conclusionPriceCents: 0,
  supportingSessionPriceCents: 31_500,
  blockSize: 3,
  invoiceDueDaysBefore: 0,
};

export type PricedItem = "consultation" | "program_session" | "conclusion" | "supporting_session";

export function priceCents(item: PricedItem, settings: BillingSettings = DEFAULT_BILLING_SETTINGS): number {
  switch (item) {
    case "consultation":
      return settings.consultationPriceCents;
    case "program_session":
      return settings.sessionPriceCents;
    case "conclusion":
      return settings.conclusionPriceCents;
    case "supporting_session":
      return settings.supportingSessionPriceCents;
  }
}

function assertSettings(settings: BillingSettings): void {
  const cents: (keyof BillingSettings)[] = [
    "consultationPriceCents",
    "sessionPriceCents",
    "conclusionPriceCents",
    "supportingSessionPriceCents",
    "invoiceDueDaysBefore",
  ];
  for (const key of cents) {
    const value = settings[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw new DomainError("INVALID_SETTING", "Must be a whole number ≥ 0 (prices in cents)", key);
    }
  }
  if (!Number.isInteger(settings.blockSize) || settings.blockSize < 1) {
    throw new DomainError("INVALID_SETTING", "The block size must be a whole number ≥ 1", "blockSize");
  }
}

function assertSessionNumber(sessionNumber: number, field = "sessionNumber"): void {
  if (!Number.isInteger(sessionNumber) || sessionNumber < 1) {
    throw new DomainError("INVALID_SESSION_NUMBER", "Session numbers start at 1", field);
  }
}

/** 1-based block number: sessions 1–3 → 1, 4–6 → 2, … */
export function blockForSession(sessionNumber: number, settings: BillingSettings = DEFAULT_BILLING_SETTINGS): number {
  assertSessionNumber(sessionNumber);
  assertSettings(settings);
  return Math.ceil(sessionNumber / settings.blockSize);
}

export interface ScheduledSession {
  number: number;
  /** Unknown while the session is not yet planned. */
  startsAt?: Date | null;
}

export interface BillingBlock {
  block: number;
  sessionNumbers: number[];
  amountCents: number;
  currency: string;
  /** The first session's start minus `invoiceDueDaysBefore`; null until that session has a date. */
  dueAt: Date | null;
}

/**
 * Groups program sessions into payment blocks. Accepts bare numbers or numbered sessions with their
 * start; a block that is only partly in the list (block size changed, odd total) is charged for the
 * sessions it holds. `timeZone` decides what "N days before" means across a DST change.
 */
export function billingBlocks(
  sessions: readonly (number | ScheduledSession)[],
  settings: BillingSettings = DEFAULT_BILLING_SETTINGS,
  timeZone = "UTC",
): BillingBlock[] {
  assertSettings(settings);
  assertTimeZone(timeZone);
  const normalised = sessions.map((session) => (typeof session === "number" ? { number: session } : session));
  const seen = new Set<number>();
  normalised.forEach((session, i) => {
    assertSessionNumber(session.number, `sessions.${i}.number`);
    if (seen.has(session.number)) {
      throw new DomainError("DUPLICATE_SESSION_NUMBER", `Session ${session.number} is listed twice`, `sessions.${i}.number`);
    }
    seen.add(session.number);
    if (session.startsAt) assertInstant(session.startsAt, `sessions.${i}.startsAt`);
  });

  const byBlock = new Map<number, ScheduledSession[]>();
  for (const session of [...normalised].sort((a, b) => a.number - b.number)) {
    const block = Math.ceil(session.number / settings.blockSize);
    byBlock.set(block, [...(byBlock.get(block) ?? []), session]);
  }
  return [...byBlock.entries()].map(([block, members]) => {
    const firstStart = members[0].startsAt ?? null;
    return {
      block,
      sessionNumbers: members.map((session) => session.number),
      amountCents: members.length * settings.sessionPriceCents,
      currency: settings.currency,
      dueAt: firstStart
        ? DateTime.fromJSDate(firstStart, { zone: timeZone }).minus({ days: settings.invoiceDueDaysBefore }).toJSDate()
        : null,
    };
  });
}

export type StaffRole = "planner" | "therapist";

export interface PaymentOverride {
  byUserId: string;
  role: StaffRole;
  reason: string;
}

export type SessionStartDecision =
  | { allowed: true; block: number; override?: PaymentOverride }
  | { allowed: false; block: number; reason: "BLOCK_UNPAID"; message: string };

/**
 * A session may start only when its block is paid. A planner or therapist may let it start anyway (the
 * patient is in the call, the transfer is on its way); the override comes back in the result so the
 * caller stores who decided and why. An override on a paid block is not needed and is not returned.
 */
export function canStartSession(input: {
  sessionNumber: number;
  paidBlocks: readonly number[];
  override?: PaymentOverride;
  settings?: BillingSettings;
}): SessionStartDecision {
  const block = blockForSession(input.sessionNumber, input.settings);
  if (input.paidBlocks.includes(block)) return { allowed: true, block };

  const override = input.override;
  if (!override) {
    return {
      allowed: false,
      block,
      reason: "BLOCK_UNPAID",
      message: `Session ${input.sessionNumber} belongs to block ${block}, which is not paid yet`,
    };
  }
  if (override.role !== "planner" && override.role !== "therapist") {
    throw new DomainError("OVERRIDE_NOT_ALLOWED", "Only a planner or the therapist can start an unpaid session", "override.role");
  }
  if (override.byUserId.trim() === "") {
    throw new DomainError("REQUIRED", "The override must name who made it", "override.byUserId");
  }
  const reason = override.reason.trim();
  if (reason === "") {
    throw new DomainError("REQUIRED", "Give a reason for starting an unpaid session", "override.reason");
  }
  return { allowed: true, block, override: { ...override, reason } };
}

/** Display only; amounts stay in cents everywhere else. */
export function formatMoney(cents: number, currency = DEFAULT_BILLING_SETTINGS.currency, locale = "en"): string {
  if (!Number.isSafeInteger(cents)) throw new DomainError("INVALID_AMOUNT", "Amounts are whole cents", "amountCents");
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}

/** What an invoice is for, as the patient reads it (lists, PDFs). */
export function invoiceLabel(invoice: { kind: "consultation" | "block" | "supporting"; block: number | null }): string {
  if (invoice.kind === "consultation") return "Consultation";
  if (invoice.kind === "supporting") return "Supporting session";
  return `Sessions block ${invoice.block ?? ""}`.trim();
}

/** An invoice issued now is due after the clinic's payment terms: a patient is never "overdue" the moment they book. */
export function invoiceDueAfterTerms(issuedAt: Date, termsDays: number): Date {
  return new Date(issuedAt.getTime() + termsDays * 24 * 60 * 60_000);
}
