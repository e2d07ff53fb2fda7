import { TONES, type Tone } from "./scale";

export type DonutSegment = { name: string; value: number; tone: Tone };

const R = 52;
const C = 2 * Math.PI * R;

/** A ring of proportions with the total in the middle; legend and hidden table carry the numbers. */
export function DonutChart({
  id,
  title,
  summary,
  segments,
  centerLabel,
}: {
  id: string;
  title: string;
  summary: string;
  segments: DonutSegment[];
  centerLabel: string;
}) {
  const total = segments.reduce((a, s) => a + s.value, 0);
  const pct = (v: number) => (total === 0 ? 0 : Math.round((v / total) * 1000) / 10);
  let offset = 0;
  return (
    <figure className="relative space-y-3">
      <figcaption className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</figcaption>
      <div className="flex flex-wrap items-center gap-6">
        <svg viewBox="0 0 140 140" role="img" aria-labelledby={`${id}-title ${id}-desc`} className="size-36 shrink-0">
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          <circle cx={70} cy={70} r={R} fill="none" strokeWidth={18} className="stroke-zinc-100 dark:stroke-zinc-800" />
          {total > 0 &&
            segments.map((s) => {
              const length = (s.value / total) * C;
              const dash = `${Math.max(0, length - (segments.filter((x) => x.value > 0).length > 1 ? 1.5 : 0))} ${C}`;
              const element =
                s.value > 0 ? (
                  <circle
                    key={s.name}
                    cx={70}
                    cy={70}
                    r={R}
                    fill="none"
                    strokeWidth={18}
                    strokeDasharray={dash}
                    strokeDashoffset={-offset}
                    transform="rotate(-90 70 70)"
                    className={TONES[s.tone].stroke}
                  />
                ) : null;
              offset += length;
              return element;
            })}
          <text
            x={70}
            y={66}
            textAnchor="middle"
            fontSize={22}
            fontWeight={700}
            className="fill-zinc-900 dark:fill-zinc-100"
          >
            {total}
          </text>
          <text x={70} y={84} textAnchor="middle" fontSize={10} className="fill-zinc-500 dark:fill-zinc-400">
            {centerLabel}
          </text>
        </svg>
        <ul className="min-w-40 flex-1 space-y-1.5 text-sm" aria-hidden="true">
          {segments.map((s) => (
            <li key={s.name} className="flex items-center gap-2">
              <span className={`inline-block size-3 shrink-0 rounded-sm ${TONES[s.tone].swatch}`} />
              <span className="flex-1 text-zinc-700 dark:text-zinc-300">{s.name}</span>
              <span className="font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{s.value}</span>
              <span className="w-14 text-right tabular-nums text-zinc-500 dark:text-zinc-400">{pct(s.value)}%</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Users</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                <td>{s.value}</td>
                <td>{pct(s.value)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
