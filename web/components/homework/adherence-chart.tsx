import type { AdherenceSummary } from "../../../server/domain/homework/adherence";

const TARGET = 2;

/**
 * Practices per day over the last weeks as a small SVG bar chart (target line at two a day), with
 * the same numbers in a table for screen readers and anyone who prefers it.
 */
export function AdherenceChart({ summary, label }: { summary: Pick<AdherenceSummary, "days">; label: string }) {
  const days = summary.days;
  const barWidth = 10;
  const gap = 3;
  const height = 60;
  const max = Math.max(3, ...days.map((d) => d.practices));
  const scale = (n: number) => (n / max) * height;
  const width = days.length * (barWidth + gap);
  const onTarget = days.filter((d) => d.practices >= TARGET).length;
  return (
    <figure className="adherence">
      <svg className="adherence__chart" viewBox={`0 0 ${width} ${height + 14}`} role="img">
        <title>{`${label}: ${onTarget} of ${days.length} days with two or more practices`}</title>
        {days.map((d, i) => (
          <rect key={d.date} x={i * (barWidth + gap)} y={height - scale(d.practices)} width={barWidth} height={scale(d.practices)} className={d.practices >= TARGET ? "adherence__bar adherence__bar--ok" : "adherence__bar"}>
            <title>{`${d.date}: ${d.practices} practice${d.practices === 1 ? "" : "s"}, ${d.minutes} min`}</title>
          </rect>
        ))}
        <line x1={0} x2={width} y1={height - scale(TARGET)} y2={height - scale(TARGET)} className="adherence__target" />
        <line x1={0} x2={width} y1={height} y2={height} className="adherence__axis" />
        <text x={0} y={height + 12} className="adherence__label">
          {days[0]?.date.slice(5)}
        </text>
        <text x={width} y={height + 12} textAnchor="end" className="adherence__label">
          today
        </text>
      </svg>
      <figcaption className="muted">Bars: practices per day; dashed line: the target of two a day.</figcaption>
      <details>
        <summary>Show as a table</summary>
        <table className="adherence__table">
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Practices</th>
              <th scope="col">Minutes</th>
            </tr>
          </thead>
          <tbody>
            {[...days].reverse().map((d) => (
              <tr key={d.date}>
                <th scope="row">{d.date}</th>
                <td>{d.practices}</td>
                <td>{d.minutes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function AdherenceFigures({ summary }: { summary: AdherenceSummary }) {
  return (
    <ul className="adherence__figures">
      <li>
        <strong>{summary.todayPractices}</strong> of 2 today
      </li>
      <li>
        <strong>{summary.streak}</strong> day{summary.streak === 1 ? "" : "s"} in a row
      </li>
      <li>
        <strong>{summary.weekDaysOnTarget}</strong> of 7 days on target this week ({summary.weekPractices} practices)
      </li>
    </ul>
  );
}
