import { onTestFinished } from "vitest";
import { settings, type Settings } from "@/lib/env";

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** Overrides settings for the current test; restored when it finishes. Call inside a test. */
export function overrideSettings(patch: DeepPartial<Settings>): void {
  const saved = structuredClone(settings);
  merge(settings as unknown as Record<string, unknown>, patch as Record<string, unknown>);
  onTestFinished(() => {
    Object.assign(settings, saved);
  });
}

function merge(target: Record<string, unknown>, patch: Record<string, unknown>) {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (
      value &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      current &&
      typeof current === "object" &&
      !Buffer.isBuffer(current)
    ) {
      merge(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}
