import type { TrendSeries } from "../../../server/domain/diary/trend";
import { formatDate } from "./format";

const W = 480;
const H = 180;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/**
 * One measure over time as a small SVG chart (points, the baseline and the healthy band around it) and the
 * same numbers as a table, for screen readers and for people who prefer numbers.
 */
export function TrendChart({ series, timeZone }: { series: TrendSeries; timeZone: string }) {
  const { def, points, band, baseline, healthyBand, resolution, differenceLabel } = series;
  const title = differenceLabel ? `${def.label} (${differenceLabel})` : def.label;
  const id = `trend-${def.key}`;
  if (points.length === 0) {
    return (
      <section className="trend" aria-labelledby={id}>
        <h3 id={id}>{title}</h3>
        <p className="muted">No snapshot with this expression yet.</p>
      </section>
    );
  }
  const values = [...points.map((p) => p.value), ...(band ? [band.lower, band.upper] : []), ...(baseline !== null ? [baseline] : []), ...(healthyBand ? [healthyBand.lower, healthyBand.upper] : [])];
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max - min < 1) {
    min -= 0.5;
    max += 0.5;
  }
  const span = max - min;
  min -= span * 0.1;
  max += span * 0.1;
  const times = points.map((p) => new Date(p.capturedAt).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) => (t1 === t0 ? (PAD.left + W - PAD.right) / 2 : PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);
  const digits = resolution >= 1 ? 0 : 1;
  const signed = def.kind === "difference" || def.key === "mouthMidlineDeviation";
  const fmt = (v: number) => `${v > 0 && signed ? "+" : ""}${v.toFixed(digits)}${def.unit === "%" ? " %" : ` ${def.unit}`}`;
  const last = points[points.length - 1]!;
  const verdict =
    points.length < 2 ? null : last.beyondNoise ? `Changed by ${fmt(last.change)} since your first snapshot: more than the usual variation (±${series.sdc} ${def.unit}).` : "Within your usual variation since your first snapshot.";
  return (
    <section className="trend" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {verdict ? <p className="trend__verdict">{verdict}</p> : null}
      <svg viewBox={`0 0 ${W} ${H}`} className="trend__chart" role="img" aria-labelledby={`${id} ${id}-desc`}>
        <desc id={`${id}-desc`}>
          {points.length} snapshot{points.length === 1 ? "" : "s"}; latest {fmt(points[points.length - 1]!.value)}
          {baseline !== null ? `, first ${fmt(baseline)}` : ""}. The shaded band is your usual variation around your first snapshot; the dashed lines are the range of healthy faces, for context. The table below has every value.
        </desc>
        {band ? <rect x={PAD.left} y={y(band.upper)} width={W - PAD.left - PAD.right} height={Math.max(1, y(band.lower) - y(band.upper))} className="trend__band" /> : null}
        {healthyBand
          ? [healthyBand.lower, healthyBand.upper].map((v) => <line key={v} x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="trend__healthy" strokeDasharray="4 4" />)
          : null}
        {baseline !== null && def.unit !== "%" ? <line x1={PAD.left} x2={W - PAD.right} y1={y(baseline)} y2={y(baseline)} className="trend__baseline" /> : null}
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} className="trend__axis" />
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="trend__axis" />
        <text x={PAD.left - 6} y={y(max) + 10} textAnchor="end" className="trend__label">
          {max.toFixed(1)}
        </text>
        <text x={PAD.left - 6} y={y(min)} textAnchor="end" className="trend__label">
          {min.toFixed(1)}
        </text>
        <text x={PAD.left} y={H - 8} className="trend__label">
          {formatDate(points[0]!.capturedAt, timeZone)}
        </text>
        {points.length > 1 ? (
          <text x={W - PAD.right} y={H - 8} textAnchor="end" className="trend__label">
            {formatDate(points[points.length - 1]!.capturedAt, timeZone)}
          </text>
        ) : null}
        {points.length > 1 ? <polyline points={points.map((p) => `${x(new Date(p.capturedAt).getTime())},${y(p.value)}`).join(" ")} className="trend__line" /> : null}
        {points.map((p) => (
          <circle key={p.snapshotId} cx={x(new Date(p.capturedAt).getTime())} cy={y(p.value)} r={5} className="trend__point" />
        ))}
      </svg>
      <p className="muted small">
        {def.help} Values are rounded to {resolution} {def.unit}, the finest step this measure can show; the shaded band is ±{series.sdc} {def.unit} around your first snapshot.
        {healthyBand ? ` Dashed lines: ${healthyBand.source} — for context only, not a grade.` : ""}
      </p>
      <table className="table trend__table">
        <caption className="visually-hidden">{def.label}: every snapshot</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Value</th>
            <th scope="col">Change since first</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.snapshotId}>
              <td>{formatDate(p.capturedAt, timeZone)}</td>
              <td>{fmt(p.value)}</td>
              <td>{p === points[0] ? "first snapshot" : p.beyondNoise ? fmt(p.change) : `${fmt(p.change)} (within your usual variation)`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RoughViewNotice() {
  return (
    <p className="alert">
      <strong>A rough view, not a diagnosis.</strong> These numbers come from face points your camera saw; they change a little from one snapshot to the next
      even when your face does not. A change counts only when it is larger than that usual variation (the shaded band). Healthy faces are not perfectly
      symmetric either (the dashed lines, for context). Compare yourself with your own first snapshot, and talk about it with your therapist.
    </p>
  );
}
