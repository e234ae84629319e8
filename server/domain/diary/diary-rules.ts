/**
 * Pure rules of the face observation diary: the self-ratings, when the next entry is due.
 * No I/O; shared by services and pages.
 */

export const DIARY_RATINGS = [
  { key: "tension", label: "Tension in the face", low: "none", high: "very tense" },
  { key: "pain", label: "Pain", low: "no pain", high: "worst pain" },
  { key: "tearing", label: "Tearing (watery eye)", low: "none", high: "constant" },
  { key: "synkinesis", label: "Synkinesis (parts moving together)", low: "none", high: "very strong" },
  { key: "eating", label: "Trouble eating or drinking", low: "no trouble", high: "very hard" },
] as const;

export type DiaryRatingKey = (typeof DIARY_RATINGS)[number]["key"];
export const DIARY_RATING_KEYS: readonly DiaryRatingKey[] = DIARY_RATINGS.map((r) => r.key);

/** The clinic writes a diary every 2–3 weeks (docs/product-brief.md §3); the interval is a per-patient setting within these limits. */
export const DIARY_INTERVAL_DAYS = { default: 14, min: 7, max: 42 } as const;
export const DIARY_BODY_MAX_CHARS = 10_000;
export const DIARY_REPLY_MAX_CHARS = 5_000;

const DAY_MS = 24 * 60 * 60_000;

export interface DiaryDue {
  /** When the next entry is due (UTC instant), or null when no entry was ever written and no program started. */
  readonly dueAt: Date | null;
  readonly overdue: boolean;
  /** Whole days until due (negative = overdue). */
  readonly daysLeft: number | null;
}

/**
 * The next entry is due `intervalDays` after the last one; before the first entry, `intervalDays` after the
 * program started (a patient without a program has no due date yet).
 */
export function nextDiaryDue(input: { lastEntryAt: Date | null; programStartedAt: Date | null; intervalDays: number; now: Date }): DiaryDue {
  const base = input.lastEntryAt ?? input.programStartedAt;
  if (!base) return { dueAt: null, overdue: false, daysLeft: null };
  const dueAt = new Date(base.getTime() + input.intervalDays * DAY_MS);
  const daysLeft = Math.ceil((dueAt.getTime() - input.now.getTime()) / DAY_MS);
  return { dueAt, overdue: dueAt.getTime() <= input.now.getTime(), daysLeft };
}
