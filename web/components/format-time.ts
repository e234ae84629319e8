/** Times are stored in UTC and shown in the viewer's own zone (their profile's zone, the same on server and browser). */
export function formatDateTime(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function formatTime(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export const KIND_LABEL: Record<string, string> = {
  consultation: "Consultation (40 min)",
  program: "Program session (1 h 30)",
  conclusion: "Conclusion session (30 min)",
  supporting: "Supporting session",
};
