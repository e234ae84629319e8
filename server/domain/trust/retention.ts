/**
 * What erasing a patient's account deletes and what the law makes the clinic keep. The account page
 * lists it before the patient asks, and the erasure job does exactly this.
 */
export interface RetentionRule {
  what: string;
  kept: string;
  why: string;
  /** Whole years after the erasure; 0 means nothing is kept. */
  years: number;
}

export interface RetentionPolicy {
  invoiceYears: number;
}

export const ERASED: readonly string[] = [
  "your name, e-mail address and password (the account is anonymised and can no longer be used)",
  "your intake answers and consultation notes",
  "your sessions, their attendance, whiteboards, homework and practice logs",
  "your diary entries, face snapshots and kept photos",
  "your consents, data exports and e-mails waiting to be sent to you",
];

export function retainedAfterErasure(policy: RetentionPolicy): RetentionRule[] {
  if (policy.invoiceYears <= 0) return [];
  return [
    {
      what: "Invoices",
      kept: "amount, currency, date, payment status and the name they were billed to — nothing about your health",
      why: "accounting and tax law",
      years: policy.invoiceYears,
    },
  ];
}

/** The date until which an invoice of an account erased at `erasedAt` is kept. */
export function invoiceRetainUntil(erasedAt: Date, policy: RetentionPolicy): Date {
  const until = new Date(erasedAt);
  until.setUTCFullYear(until.getUTCFullYear() + policy.invoiceYears);
  return until;
}
