/** Calendar dates and times for the diary, in the viewer's zone. */
export function formatDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
}

/** A typed calendar date "YYYY-MM-DD" shown as written (no zone shift). */
export function formatEntryDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "long", year: "numeric" }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}
