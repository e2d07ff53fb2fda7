import { Legend } from "./legend";
import { labelIndices, niceScale, TONES, type Tone } from "./scale";

export type LineSeries = { name: string; values: number[]; tone: Tone; area?: boolean; dashed?: boolean };

const PAD = { top: 12, right: 14, bottom: 30, left: 44 };

/**
 * A server-rendered line chart: an SVG with role="img", a title and a text summary for assistive
 * technology, and the same numbers in a visually hidden table. Colours come from Tailwind classes
 * with dark variants, so it follows the page theme without script.
 */
export function LineChart({
  id,
  title,
  summary,
  labels,
  tickLabels,
  series,
  unit,
  width = 600,
  height = 240,
}: {
  id: string;
  title: string;
  summary: string;
  /** Full label of each point (for the data table), oldest first. */
  labels: string[];
  /** Short label of each point for the x axis. */
  tickLabels: string[];
  series: LineSeries[];
  unit: string;
  /** viewBox size: wide charts get a wider box so that text keeps its size. */
  width?: number;
  height?: number;
}) {
  const W = width;
  const H = height;
  const count = labels.length;
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const { top, ticks } = niceScale(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (count <= 1 ? plotW / 2 : (i / (count - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const shown = labelIndices(count);
  const dots = count <= 14;
  return (
    <figure className="relative space-y-3">
      <figcaption className="space-y-2">
        <span className="block text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</span>
        <Legend
          items={series.map((s) => ({
            name: s.name,
            tone: s.tone,
            value: String(s.values.reduce((a, b) => a + b, 0)),
          }))}
        />
      </figcaption>
      {/* On a phone the chart keeps a readable size and scrolls sideways instead of shrinking its text. */}
      <div className="overflow-x-auto">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          className="h-auto w-full min-w-[34rem] overflow-visible"
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {ticks.map((t) => (
            <g key={t}>
              <line
                x1={PAD.left}
                x2={W - PAD.right}
                y1={y(t)}
                y2={y(t)}
                className="stroke-zinc-200 dark:stroke-zinc-800"
                strokeWidth={1}
              />
              <text
                x={PAD.left - 6}
                y={y(t)}
                dy="0.32em"
                textAnchor="end"
                fontSize={12}
                className="fill-zinc-500 dark:fill-zinc-400"
              >
                {t}
              </text>
            </g>
          ))}
          {tickLabels.map((label, i) =>
            shown.has(i) ? (
              <text
                key={i}
                x={x(i)}
                y={H - 8}
                textAnchor={i === 0 ? "start" : i === count - 1 ? "end" : "middle"}
                fontSize={12}
                className="fill-zinc-500 dark:fill-zinc-400"
              >
                {label}
              </text>
            ) : null,
          )}
          {series.map((s) => {
            const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
            const tone = TONES[s.tone];
            return (
              <g key={s.name}>
                {s.area && count > 1 && (
                  <path d={`M${x(0)},${y(0)} L${points.join(" L")} L${x(count - 1)},${y(0)} Z`} className={tone.area} />
                )}
                <polyline
                  points={points.join(" ")}
                  fill="none"
                  strokeWidth={2}
                  strokeLinejoin="round"
                  strokeLinecap="round"
                  strokeDasharray={s.dashed ? "5 4" : undefined}
                  className={tone.stroke}
                />
                {dots && s.values.map((v, i) => <circle key={i} cx={x(i)} cy={y(v)} r={2.5} className={tone.fill} />)}
              </g>
            );
          })}
        </svg>
      </div>
      <div className="sr-only">
        <table>
          <caption>
            {title} ({unit})
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
