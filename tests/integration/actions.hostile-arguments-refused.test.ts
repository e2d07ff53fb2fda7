import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import { loginAction } from "@/app/(auth)/login/actions";
import { resetPasswordAction } from "@/app/(auth)/reset-password/actions";
import { secureAccountAction } from "@/app/(auth)/secure-account/actions";
import { db } from "@/lib/db";
import { snapshotContents } from "../helpers/db-digest";
import { newClient } from "../helpers/http";
import { newRequest, NotFoundError, RedirectError } from "../helpers/next-request";
import { PASSWORD_ONLY, signInBrowser, WITH_MFA } from "../helpers/admin";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Issue 15.8: a server action is a public endpoint. `POST` with `Next-Action: <id>` and a body of
 * `[{},null]` hands the action `({}, null)`. Every exported action of every actions file (found on
 * disk, not listed by hand) is called with arguments no form of ours sends: each answers an error
 * (or, for a form action that returns nothing, nothing, or an on-site redirect/404), never throws,
 * and the database is unchanged.
 */

type Action = (...args: unknown[]) => Promise<unknown>;

function findActionFiles(dir = path.resolve("app"), out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findActionFiles(full, out);
    else if (/(^|-)actions\.ts$/.test(entry) || (path.basename(dir) === "_actions" && entry.endsWith(".ts"))) out.push(full);
  }
  return out.sort();
}

/** The declared parameter names of a function, from its source (defaults and types already stripped or ignored). */
function parameterNames(fn: Action): string[] {
  const match = /^[^(]*\(([^)]*)\)/.exec(String(fn));
  return (match?.[1] ?? "")
    .split(",")
    .map((p) => p.split("=")[0]?.trim() ?? "")
    .filter(Boolean);
}

/** What a hostile client can make Next decode into action arguments (JSON, plus what the reply encoder allows). */
const HOSTILE: unknown[] = [null, undefined, {}, [], "", "x", "' OR 1=1 --", 0, -1, 1e308, true, [{}, null], { get: "x" }, { get: () => "x", getAll: () => [] }, "a".repeat(10_000)];
const hostileArgs = (arity: number) => fc.array(fc.constantFrom(...HOSTILE), { minLength: 0, maxLength: Math.max(arity, 1) + 1 });

/** Throws other than Next's redirect()/notFound() fail the test; a redirect must stay on this site. */
async function callAction(fn: Action, args: unknown[]): Promise<{ kind: "returned"; value: unknown } | { kind: "redirect"; url: string } | { kind: "not_found" }> {
  try {
    return { kind: "returned", value: await fn(...args) };
  } catch (error) {
    if (error instanceof RedirectError) return { kind: "redirect", url: error.url };
    if (error instanceof NotFoundError) return { kind: "not_found" };
    throw error;
  }
}

async function loadActions(): Promise<{ label: string; fn: Action; params: string[] }[]> {
  const out: { label: string; fn: Action; params: string[] }[] = [];
  for (const file of findActionFiles()) {
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === "function") out.push({ label: `${name} in ${path.relative(".", file)}`, fn: fn as Action, params: parameterNames(fn as Action) });
    }
  }
  return out;
}

describe("every server action refuses hostile arguments", () => {
  it("the four actions of the report answer validation_error to [{},null]", async () => {
    newRequest(newClient());
    const before = await snapshotContents();
    for (const action of [loginAction, forgotPasswordAction, resetPasswordAction, secureAccountAction] as Action[]) {
      expect(await callAction(action, [{}, null])).toMatchObject({ kind: "returned", value: { error: "Invalid request", code: "validation_error" } });
      expect(await callAction(action, [null, {}])).toMatchObject({ kind: "returned", value: { error: "Invalid request", code: "validation_error" } });
    }
    expect(await snapshotContents()).toEqual(before);
  });

  it.each([
    ["signed out", null],
    ["signed in", PASSWORD_ONLY],
    ["staff with 2FA", WITH_MFA],
  ] as const)("%s: no throw, an error or nothing, no change", async (_label, amr) => {
    const user = await makeUser({ staff: amr === WITH_MFA });
    const client = newClient();
    if (amr) await signInBrowser(user.id, [...amr], client);
    else newRequest(client);
    await db.authSession.updateMany({ data: { reauthAt: new Date(Date.now() - 86_400_000) } });
    const before = await snapshotContents();

    const actions = await loadActions();
    const withInput = actions.filter((a) => a.params.some((p) => !p.startsWith("_")));
    // Actions that declare no input at all (sign out, begin a setup) have nothing to refuse.
    expect(withInput.length).toBeGreaterThan(40);
    for (const { label, fn, params } of withInput) {
      await fc.assert(
        fc.asyncProperty(hostileArgs(params.length), async (args) => {
          const outcome = await callAction(fn, args).catch((error: unknown) => {
            throw new Error(`${label} threw on ${JSON.stringify(args)?.slice(0, 120)}: ${String(error)}`);
          });
          if (outcome.kind === "redirect") expect(outcome.url, label).toMatch(/^\/(?![/\\])/);
          if (outcome.kind === "returned" && outcome.value !== undefined) {
            expect(typeof (outcome.value as { error?: unknown }).error, `${label} accepted ${JSON.stringify(args)?.slice(0, 120)}`).toBe("string");
          }
        }),
        { numRuns: 12, endOnFailure: true, examples: [[[{}, null]], [[null]], [[]], [Array(params.length).fill({})]] },
      );
    }
    expect(await snapshotContents()).toEqual(before);
  }, 120_000);
});
