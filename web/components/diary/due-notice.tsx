import { formatDate } from "./format";

export function DueNotice({ dueAt, overdue, timeZone }: { dueAt: string | null; overdue: boolean; timeZone: string }) {
  if (!dueAt) return <p>Write your first entry whenever you like; after it we remind you when the next one is due.</p>;
  return overdue ? (
    <p>
      <strong>Your next entry is due now</strong> (since {formatDate(dueAt, timeZone)}).
    </p>
  ) : (
    <p>
      Your next entry is due on <strong>{formatDate(dueAt, timeZone)}</strong>.
    </p>
  );
}
