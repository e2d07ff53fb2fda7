import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ERRORS } from "@/lib/auth/errors";
import { codeFailure, fieldFailure, parseForm } from "@/lib/http/form";
import { FIELD_MESSAGES, secretText } from "@/lib/http/fields";

/**
 * Structural: every error code the app sends and every message a form shows come from the one
 * catalogue (lib/auth/errors.ts), so a client can rely on the codes and one file holds the words.
 */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const SENDERS = [...sourceFiles("app/api"), ...sourceFiles("lib/http"), "proxy.ts"];
/** Every "use server" module, whatever it is called (actions.ts, passkey-actions.ts, app/_actions/*). */
const ACTIONS = sourceFiles("app").filter((f) => /^\s*["']use server["']/.test(readFileSync(f, "utf8")));

const STRING_LITERAL = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;

/** String literals that read as words for a person ("That took too long."), outside comments. */
function proseLiterals(source: string): string[] {
  return source
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .flatMap((line) => [...line.matchAll(STRING_LITERAL)].map((m) => m[1] ?? m[2] ?? m[3] ?? ""))
    .filter((text) => /^[A-Z][\w'-]*\s+\S/.test(text));
}

/** `code: "…"` written into a response body; zod's own issue code ("custom") is not a response. */
function literalCodes(source: string): string[] {
  return [...source.matchAll(/\bcode:\s*(?:[^,}]*\?\s*)?"([^"]+)"(?:\s*:\s*"([^"]+)")?/g)]
    .flatMap((m) => [m[1], m[2]])
    .filter((c): c is string => c !== undefined && c !== "custom");
}

describe("error catalogue", () => {
  it("finds the route handlers, the proxy and the actions it scans", () => {
    expect(SENDERS.some((f) => f.endsWith(path.join("auth", "token", "route.ts")))).toBe(true);
    expect(ACTIONS.length).toBeGreaterThan(20);
    expect(ACTIONS).toContain(path.join("app", "_actions", "step-up.ts"));
    expect(ACTIONS).toContain(path.join("app", "(auth)", "login", "passkey-actions.ts"));
  });

  it("holds every code literal that a route handler, lib/http or the proxy sends", () => {
    const unknown = SENDERS.flatMap((file) =>
      literalCodes(readFileSync(file, "utf8"))
        .filter((c) => !(c in ERRORS))
        .map((c) => `${file}: ${c}`),
    );
    expect(unknown).toEqual([]);
  });

  it("the scanner sees a code that is not in the catalogue", () => {
    expect(literalCodes('return json({ error: m, code: x ? "2fa_setup_required" : "2fa_later" })')).toEqual([
      "2fa_setup_required",
      "2fa_later",
    ]);
    expect(literalCodes('ctx.addIssue({ code: "custom", message: "x" })')).toEqual([]);
  });

  it("builds no error JSON by hand outside lib/http/respond.ts", () => {
    const byHand = SENDERS.filter((f) => !f.endsWith(path.join("lib", "http", "respond.ts"))).filter((file) =>
      /\berror:[^\n]*\bcode\b/.test(readFileSync(file, "utf8")),
    );
    expect(byHand).toEqual([]);
  });

  it("server actions show no form error written outside the catalogue", () => {
    const literal = ACTIONS.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /\berror:\s*["'`]|fieldError\(\s*"[^"]+",\s*["'`]|message:\s*["'`]/.test(line))
        .map(({ at }) => at),
    );
    expect(literal).toEqual([]);
  });

  it("server actions write no message of their own: errors come from the catalogue, admin notices from components/admin/notices.ts", () => {
    const prose = ACTIONS.flatMap((file) =>
      proseLiterals(readFileSync(file, "utf8")).map((text) => `${file}: ${text}`),
    );
    expect(prose).toEqual([]);
  });

  it("the prose scanner sees a message and ignores paths, codes and comments", () => {
    expect(proseLiterals('return { error: "That took too long. Please try again." };')).toEqual([
      "That took too long. Please try again.",
    ]);
    expect(
      proseLiterals(`return { done: "Two-factor authentication was reset and the user's sessions were ended." };`),
    ).toHaveLength(1);
    expect(proseLiterals('return { error: "Invalid request" };')).toEqual(["Invalid request"]);
    expect(
      proseLiterals('redirect("/login?expired=1"); codeFailure("code_required"); "use server";\n// "A comment here."'),
    ).toEqual([]);
  });

  it("form helpers take their words from the catalogue", () => {
    expect(codeFailure("code_required")).toMatchObject({ error: "Enter the code.", code: "code_required" });
    expect(fieldFailure("confirm", FIELD_MESSAGES.passwordsDiffer)).toMatchObject({
      error: ERRORS.form_invalid.message,
      code: "form_invalid",
      fieldErrors: { confirm: ["The two passwords do not match."] },
    });
    const parsed = parseForm(z.object({ password: secretText() }), { password: "" });
    expect(parsed.ok ? null : parsed.state).toMatchObject({ error: ERRORS.form_invalid.message, code: "form_invalid" });
  });
});
