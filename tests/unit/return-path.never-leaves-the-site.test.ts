import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/auth/request/return-path";

/**
 * Whatever it is given, safeReturnPath answers a path that a browser resolves on this site: the
 * same origin against any base, never a `//` or `/\` start, and a fixed point (checked again, it
 * is unchanged), so a second normalisation cannot move it.
 */

const SITE = "https://app.example.com";
const BASES = [`${SITE}/`, `${SITE}/account/security?next=%2F`, `${SITE}/a/b/c/`];

/** Pieces attackers use: dot segments (raw and encoded), slashes of every kind, hosts, controls. */
const PIECES = [
  "/",
  "//",
  "\\",
  "/\\",
  ".",
  "..",
  "./",
  "../",
  "%2e",
  "%2E",
  "%2e%2e",
  ".%2e",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%252f",
  "%25",
  "evil.com",
  "evil.example/landing",
  "@evil.com",
  ":",
  "http:",
  "https://evil.com",
  "javascript:alert(1)",
  "?",
  "#",
  "&",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u007f",
  "\u0085",
  " ",
  "\u3002",
  "\uff0f",
  "\u2215",
  "x",
  "account",
  "next=",
  "%09",
  "%0a",
];
const attackPath = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(""));
const anyInput = fc.oneof(
  attackPath,
  attackPath.map((p) => `/${p}`),
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.webUrl(),
  fc.webPath(),
);

function assertStaysOnSite(output: string): void {
  expect(output.startsWith("/")).toBe(true);
  expect(output.startsWith("//")).toBe(false);
  expect(output.startsWith("/\\")).toBe(false);
  for (const base of BASES) expect(new URL(output, base).origin).toBe(SITE);
  expect(safeReturnPath(output, "/fallback")).toBe(output);
}

describe("safeReturnPath never leaves the site", () => {
  it("the paths of issue 15 normalise to //evil… and are refused", () => {
    for (const attack of [
      "/.//evil.com",
      "/x/..//evil.com",
      "/%2e//evil.com",
      "/%2E//evil.com",
      "/x/%2e%2e//evil.com",
      "/.//evil.example/landing",
    ]) {
      expect(safeReturnPath(attack), attack).toBe("/account");
    }
  });

  it("refuses protocol-relative, backslash, control-character and encoded forms", () => {
    const refused = [
      "//evil.com",
      "/\\evil.com",
      "\\/evil.com",
      "/\t/evil.com",
      "/\n/evil.com",
      "/\r\n/evil.com",
      "/%2f/evil.com",
      "/%2F%2Fevil.com",
      "/%5c/evil.com",
      "/%252f%252fevil.com",
      "/a%00b",
      "/a%0d%0aSet-Cookie:x",
      "/a\u0000",
      "https://evil.com",
      "http:/evil.com",
      "evil.com",
      "",
      " /account",
      "javascript:alert(1)",
      `/${"a".repeat(3000)}`,
      "/./\\evil.com",
      "/.\\/evil.com",
    ];
    for (const attack of refused) expect(safeReturnPath(attack, "/fallback"), JSON.stringify(attack)).toBe("/fallback");
    for (const notText of [undefined, null, 7, ["/account"], { toString: () => "/account" }])
      expect(safeReturnPath(notText)).toBe("/account");
  });

  it("keeps ordinary paths and queries, drops fragments, normalises dot segments that stay on site", () => {
    expect(safeReturnPath("/account/security?tab=2")).toBe("/account/security?tab=2");
    expect(safeReturnPath("/admin/users?q=a%2Fb&page=2")).toBe("/admin/users?q=a%2Fb&page=2");
    expect(safeReturnPath("/account#top")).toBe("/account");
    expect(safeReturnPath("/x/../account")).toBe("/account");
    expect(safeReturnPath("/account/./sessions")).toBe("/account/sessions");
    expect(safeReturnPath("/")).toBe("/");
  });

  it("property: any input gives a same-origin path that is its own fixed point", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        assertStaysOnSite(safeReturnPath(input, "/fallback"));
      }),
      { numRuns: 5_000 },
    );
  });

  it("property: an accepted path resolves to the same place as the input (no silent rewrite to elsewhere)", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const output = safeReturnPath(input, "/fallback");
        if (output === "/fallback") return;
        const asGiven = new URL(input, `${SITE}/`);
        expect(asGiven.origin).toBe(SITE);
        expect(`${asGiven.pathname}${asGiven.search}`).toBe(output);
      }),
      { numRuns: 5_000 },
    );
  });
});
