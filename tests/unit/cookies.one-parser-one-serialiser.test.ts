import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Cookies are read with Next's own parser (cookies(), request.cookies, or lib/http/cookies.ts over
 * it) and Set-Cookie values are written by Next's serialiser: a hand-written parser that reads a
 * cookie differently from Next (first or last duplicate, decoding, spaces) is how a check and the
 * code it guards end up looking at different values.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === "generated" ? [] : sources(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

const files = () => [
  ...sources(path.join(ROOT, "app")),
  ...sources(path.join(ROOT, "lib")),
  ...sources(path.join(ROOT, "components")),
  path.join(ROOT, "proxy.ts"),
];

describe("cookies", () => {
  it("are parsed only by Next's parser: no code splits the Cookie header itself", () => {
    const offenders: string[] = [];
    for (const file of files()) {
      const text = readFileSync(file, "utf8");
      // The proxy only measures the header (lib/http/request-limits.ts) before anything parses it.
      const reads = text.match(/\.get\(\s*["']cookie["']\s*\)/gi) ?? [];
      const allowed = file === path.join(ROOT, "proxy.ts") ? 1 : 0;
      if (reads.length > allowed) offenders.push(path.relative(ROOT, file));
    }
    expect(offenders).toEqual([]);
  });

  it("are serialised only by Next's serialiser: no server code assembles a Set-Cookie value by hand", () => {
    // A client component's document.cookie (the theme choice) has no server serialiser to use.
    const server = files().filter((file) => !/^["']use client["']/.test(readFileSync(file, "utf8")));
    const offenders = server.filter((file) => /`[^`]*=\$\{[^`]*;\s*Path=/i.test(readFileSync(file, "utf8")));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
