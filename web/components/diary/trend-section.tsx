import { Form } from "@remix-run/react";
import type { TrendView } from "../../../server/services/diary";
import { formatDate } from "./format";
import { RoughViewNotice, TrendChart } from "./trend-chart";

/** The trend of every key measure, and a picker to compare two snapshots side by side. */
export function TrendSection({ trend, timeZone }: { trend: TrendView; timeZone: string }) {
  if (trend.snapshots.length === 0) return <p className="muted">No face snapshot yet. The trend appears after the first one.</p>;
  const last = trend.snapshots[trend.snapshots.length - 1]!;
  return (
    <>
      <RoughViewNotice />
      <div className="trend-grid">
        {trend.series
          .filter((s) => s.def.group === "symmetry")
          .map((s) => (
            <TrendChart key={s.def.key} series={s} timeZone={timeZone} />
          ))}
      </div>
      <h3>Synkinesis: one part of the face moving with another</h3>
      <p className="muted small">Shown when the snapshot has the expression (a smile, a pucker, a gentle eye closure) as well as the resting face.</p>
      <div className="trend-grid">
        {trend.series
          .filter((s) => s.def.group === "synkinesis" && s.points.length > 0)
          .map((s) => (
            <TrendChart key={s.def.key} series={s} timeZone={timeZone} />
          ))}
      </div>
      {trend.snapshots.length >= 1 ? (
        <Form method="get" action="/diary/compare" className="compare-picker">
          <h3>Compare two snapshots</h3>
          <div className="field">
            <label htmlFor="compare-a">First</label>
            <select id="compare-a" name="a" defaultValue={trend.snapshots[0]!.id}>
              {trend.snapshots.map((s) => (
                <option key={s.id} value={s.id}>
                  {formatDate(s.capturedAt, timeZone)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="compare-b">Second</label>
            <select id="compare-b" name="b" defaultValue={last.id}>
              {trend.snapshots.map((s) => (
                <option key={s.id} value={s.id}>
                  {formatDate(s.capturedAt, timeZone)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Compare side by side
          </button>
        </Form>
      ) : null}
      <p className="muted small">Measures computed with version {trend.algorithmVersion} of the method.</p>
    </>
  );
}
