import { TONES, type Tone } from "./scale";

export function Legend({ items }: { items: { name: string; tone: Tone; value?: string; dashed?: boolean }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-hidden="true">
      {items.map((item) => (
        <li key={item.name} className="flex items-center gap-1.5">
          <span className={`inline-block h-2.5 w-2.5 rounded-sm ${TONES[item.tone].swatch}`} />
          <span>{item.name}</span>
          {item.value && <span className="font-semibold text-zinc-900 dark:text-zinc-100">{item.value}</span>}
        </li>
      ))}
    </ul>
  );
}
