import { Link } from "@remix-run/react";
import { DIARY_RATINGS } from "../../../server/domain/diary/diary-rules";
import type { DiaryEntryView } from "../../../server/services/diary";
import { formatDateTime } from "../format-time";
import { formatEntryDate } from "./format";

export function KeyMeasures({ measures }: { measures: { key: string; label: string; unit: string; value: number }[] }) {
  if (measures.length === 0) return <p className="muted">No measure could be computed (the resting face is missing).</p>;
  return (
    <dl className="key-measures">
      {measures.map((m) => (
        <div key={m.key}>
          <dt>{m.label}</dt>
          <dd>
            {m.value} {m.unit}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** One diary entry: date, text, ratings, snapshot measures and the therapist's answers. */
export function EntryCard({ entry, timeZone, link }: { entry: DiaryEntryView; timeZone: string; link?: string }) {
  const rated = DIARY_RATINGS.filter((r) => entry.ratings[r.key] !== null);
  return (
    <article className="card diary-entry" aria-labelledby={`entry-${entry.id}`}>
      <h3 id={`entry-${entry.id}`}>{link ? <Link to={link}>{formatEntryDate(entry.entryDate)}</Link> : formatEntryDate(entry.entryDate)}</h3>
      {entry.sessionId ? <p className="badge">Taken during a session</p> : null}
      {entry.body ? <p className="diary-entry__body">{entry.body}</p> : null}
      {rated.length ? (
        <ul className="diary-entry__ratings">
          {rated.map((r) => (
            <li key={r.key}>
              {r.label}: <strong>{entry.ratings[r.key]}</strong> of 10
            </li>
          ))}
        </ul>
      ) : null}
      {entry.snapshot ? (
        <div className="diary-entry__snapshot">
          <h4>Face snapshot ({entry.snapshot.expressions.length} expression{entry.snapshot.expressions.length === 1 ? "" : "s"})</h4>
          <KeyMeasures measures={entry.snapshot.keyMeasures} />
        </div>
      ) : null}
      {entry.replies.map((r) => (
        <div key={r.id} className="diary-reply">
          <p className="muted small">
            {r.authorName} answered, {formatDateTime(r.createdAt, timeZone)}
          </p>
          <p>{r.body}</p>
        </div>
      ))}
    </article>
  );
}
