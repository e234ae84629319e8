import { durationLabel, isSessionKind, sessionKinds } from "../../server/domain/session-kinds";

/** Times are stored in UTC and shown in the viewer's own zone (their profile's zone, the same on server and browser). */
export function formatDateTime(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function formatTime(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** "Video consultation (40 min)": the kind's name and the session's own length. */
export function kindLabel(kind: string, startsAt: string | Date, endsAt: string | Date): string {
  const label = isSessionKind(kind) ? sessionKinds.label(kind) : "Session";
  const minutes = Math.round((new Date(endsAt).getTime() - new Date(startsAt).getTime()) / 60_000);
  return minutes > 0 ? `${label} (${durationLabel(minutes)})` : label;
}
