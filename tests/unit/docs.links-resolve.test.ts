import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every relative link in README.md, SECURITY.md and docs/ points at a file that exists and, with a
 * `#fragment`, at a heading of that file: moving a section out of the README cannot leave a dead
 * link behind.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCS = [
  "README.md",
  "SECURITY.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Markdown outside fenced code blocks and inline code spans, where links and headings live. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line.replace(/`[^`]*`/g, (span) => span.replace(/[[\]()]/g, " "));
  });
}

/** The anchors GitHub gives a file's headings: lower-case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] ?? "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(id ?? "");
  return result;
}

function links(file: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  // A link's text may wrap onto the next line: search the file as one string, count lines after.
  const text = prose(readFileSync(path.join(ROOT, file), "utf8")).join("\n");
  for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    found.push({ target, line: text.slice(0, match.index).split("\n").length });
  }
  return found;
}

describe("documentation links", () => {
  it("cover the README and the docs folder", () => {
    expect(DOCS).toContain("README.md");
    expect(DOCS.filter((f) => f.startsWith("docs/")).length).toBeGreaterThanOrEqual(1);
    expect(links("README.md").length).toBeGreaterThan(10);
  });

  it("computes GitHub's anchors", () => {
    expect(anchors("## Deployment: proxies, containers and platforms\n## `npm run bench`\n## Tests\n## Tests")).toEqual(
      new Set(["deployment-proxies-containers-and-platforms", "npm-run-bench", "tests", "tests-1"]),
    );
  });

  for (const file of DOCS) {
    it(`${file}: every relative link resolves to a file and heading`, () => {
      const broken: string[] = [];
      for (const { target, line } of links(file)) {
        const [pathPart = "", fragment] = target.split("#", 2);
        const resolved =
          pathPart === ""
            ? path.join(ROOT, file)
            : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(pathPart));
        if (!resolved.startsWith(ROOT) || !existsSync(resolved)) {
          broken.push(`${file}:${line} ${target}: no such file`);
          continue;
        }
        if (fragment === undefined || fragment === "") continue;
        if (statSync(resolved).isDirectory() || !resolved.endsWith(".md")) {
          broken.push(`${file}:${line} ${target}: a fragment on a file that is not Markdown`);
          continue;
        }
        if (!anchors(readFileSync(resolved, "utf8")).has(decodeURIComponent(fragment)))
          broken.push(`${file}:${line} ${target}: no such heading`);
      }
      expect(broken).toEqual([]);
    });
  }
});
