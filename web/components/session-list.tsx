import { Link } from "@remix-run/react";
import { formatDateTime, kindLabel } from "./format-time";

export interface SessionRow {
  id: string;
  kind: string;
  startsAt: string;
  endsAt: string;
  status: string;
  otherName: string;
}

/** Upcoming and recent sessions, each linking to its session page (where the call happens). */
export function SessionList({ sessions, timeZone, empty }: { sessions: SessionRow[]; timeZone: string; empty: string }) {
  if (sessions.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="session-list">
      {sessions.map((s) => (
        <li key={s.id}>
          <Link to={`/sessions/${s.id}`}>
            {kindLabel(s.kind, s.startsAt, s.endsAt)} with {s.otherName}
          </Link>
          <br />
          <span className="muted">
            {formatDateTime(s.startsAt, timeZone)}
            {s.status === "completed" ? " · done" : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
