/** Every timing of the job queue in one place. */
export const JOB_POLL_INTERVAL_MS = 1_000;
/** A claimed job belongs to its worker for this long; after it, another worker may take it (crash recovery). */
export const JOB_LEASE_MS = 5 * 60_000;
export const JOB_DEFAULT_MAX_ATTEMPTS = 5;
/** Retry after 30 s, 1 min, 2 min … capped at one hour. */
export const JOB_RETRY_BASE_MS = 30_000;
export const JOB_RETRY_MAX_MS = 60 * 60_000;
/** How many jobs one `runDueJobs()` call works through before it yields to the poll timer. */
export const JOB_MAX_PER_RUN = 100;

export const JOB_KINDS = {
  sessionMail: "session-mail",
  planMail: "plan-mail",
  reminder24h: "reminder-24h",
  reminder1h: "reminder-1h",
  invoiceReminder: "invoice-reminder",
  outcomeMail: "outcome-mail",
} as const;

export const REMINDER_LEADS_MS: Record<"reminder-24h" | "reminder-1h", number> = {
  "reminder-24h": 24 * 60 * 60_000,
  "reminder-1h": 60 * 60_000,
};
