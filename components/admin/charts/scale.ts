/** Whole-number axis: a step of 1, 2 or 5 × 10^k, and ticks from 0 to the first step at or above `max`. */
export function niceScale(max: number, tickCount = 4): { top: number; ticks: number[] } {
  const ceiling = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = ceiling / tickCount;
  let step = 1;
  for (let power = 1; power < 1e15; power *= 10) {
    const found = [1, 2, 5].map((m) => m * power).find((s) => s >= rough);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const top = Math.max(step, Math.ceil(ceiling / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { top, ticks };
}

/** Indices of the x labels to print so that about `target` of them fit. */
export function labelIndices(count: number, target = 8): Set<number> {
  const step = Math.max(1, Math.ceil(count / target));
  const out = new Set<number>();
  for (let i = count - 1; i >= 0; i -= step) out.add(i);
  return out;
}

/** Colour sets that read in both themes (Tailwind classes, spelled out so the build keeps them). */
export const TONES = {
  indigo: {
    stroke: "stroke-indigo-600 dark:stroke-indigo-400",
    fill: "fill-indigo-600 dark:fill-indigo-400",
    area: "fill-indigo-500/15 dark:fill-indigo-400/20",
    swatch: "bg-indigo-600 dark:bg-indigo-400",
  },
  rose: {
    stroke: "stroke-rose-600 dark:stroke-rose-400",
    fill: "fill-rose-600 dark:fill-rose-400",
    area: "fill-rose-500/15 dark:fill-rose-400/20",
    swatch: "bg-rose-600 dark:bg-rose-400",
  },
  amber: {
    stroke: "stroke-amber-500 dark:stroke-amber-300",
    fill: "fill-amber-500 dark:fill-amber-300",
    area: "fill-amber-500/15 dark:fill-amber-300/20",
    swatch: "bg-amber-500 dark:bg-amber-300",
  },
  emerald: {
    stroke: "stroke-emerald-600 dark:stroke-emerald-400",
    fill: "fill-emerald-600 dark:fill-emerald-400",
    area: "fill-emerald-500/15 dark:fill-emerald-400/20",
    swatch: "bg-emerald-600 dark:bg-emerald-400",
  },
  sky: {
    stroke: "stroke-sky-600 dark:stroke-sky-400",
    fill: "fill-sky-600 dark:fill-sky-400",
    area: "fill-sky-500/15 dark:fill-sky-400/20",
    swatch: "bg-sky-600 dark:bg-sky-400",
  },
  zinc: {
    stroke: "stroke-zinc-400 dark:stroke-zinc-500",
    fill: "fill-zinc-300 dark:fill-zinc-600",
    area: "fill-zinc-400/15 dark:fill-zinc-500/20",
    swatch: "bg-zinc-300 dark:bg-zinc-600",
  },
} as const;

export type Tone = keyof typeof TONES;
