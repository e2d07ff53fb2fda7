import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import { loginAction } from "@/app/(auth)/login/actions";
import { resetPasswordAction } from "@/app/(auth)/reset-password/actions";
import { secureAccountAction } from "@/app/(auth)/secure-account/actions";
import { db } from "@/lib/db";
import { actionInfo, type ActionInfo } from "@/lib/http/action";
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
 * `[{},null]` hands the action `({}, null)`. Every exported action of every "use server" module
 * (found on disk, not listed by hand) must be built by the one wrapper that refuses such calls, and
 * is called with arguments no form of ours sends: each answers an error (or, for a form action that
 * returns nothing, nothing, or an on-site redirect/404), never throws, and the database is unchanged.
 */

type Action = (...args: unknown[]) => Promise<unknown>;

/** Every "use server" module under app/ (found by its directive, whatever the file is called). */
function findActionFiles(dir = path.resolve("app"), out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findActionFiles(full, out);
    else if (/\.tsx?$/.test(entry) && /^\s*["']use server["']/.test(readFileSync(full, "utf8"))) out.push(full);
  }
  return out.sort();
}

/** What a hostile client can make Next decode into action arguments (JSON, plus what the reply encoder allows). */
const HOSTILE: unknown[] = [
  null,
  undefined,
  {},
  [],
  "",
  "x",
  "' OR 1=1 --",
  0,
  -1,
  1e308,
  true,
  [{}, null],
  { get: "x" },
  { get: () => "x", getAll: () => [] },
  "a".repeat(10_000),
];
const hostileArgs = (arity: number) =>
  fc.array(fc.constantFrom(...HOSTILE), { minLength: 0, maxLength: Math.max(arity, 1) + 1 });

/** Throws other than Next's redirect()/notFound() fail the test; a redirect must stay on this site. */
async function callAction(
  fn: Action,
  args: unknown[],
): Promise<{ kind: "returned"; value: unknown } | { kind: "redirect"; url: string } | { kind: "not_found" }> {
  try {
    return { kind: "returned", value: await fn(...args) };
  } catch (error) {
    if (error instanceof RedirectError) return { kind: "redirect", url: error.url };
    if (error instanceof NotFoundError) return { kind: "not_found" };
    throw error;
  }
}

async function loadActions(): Promise<{ label: string; file: string; fn: Action; info: ActionInfo | undefined }[]> {
  const out: { label: string; file: string; fn: Action; info: ActionInfo | undefined }[] = [];
  for (const file of findActionFiles()) {
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === "function")
        out.push({
          label: `${name} in ${path.relative(".", file)}`,
          file: path.relative(".", file),
          fn: fn as Action,
          info: actionInfo(fn),
        });
    }
  }
  return out;
}

describe("every server action is built by the wrapper (lib/http/action.ts)", () => {
  it("finds the action modules by their directive, not by name", () => {
    const files = findActionFiles().map((f) => path.relative(".", f));
    expect(files).toContain(path.join("app", "(auth)", "login", "actions.ts"));
    expect(files).toContain(path.join("app", "(auth)", "login", "passkey-actions.ts"));
    expect(files).toContain(path.join("app", "_actions", "step-up.ts"));
    expect(files.length).toBeGreaterThan(20);
  });

  it('every export of a "use server" module is a wrapped action: none is a bare async function', async () => {
    const actions = await loadActions();
    expect(actions.length).toBeGreaterThan(55);
    expect(actions.filter((a) => a.info === undefined).map((a) => a.label)).toEqual([]);
    // The same rule read from the source, so the failure names the line to change.
    const bare = findActionFiles().flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${path.relative(".", file)}:${i + 1}` }))
        .filter(({ line }) => /^export\s+(async\s+)?function\b|^export\s+default\b/.test(line))
        .map(({ at }) => at),
    );
    expect(bare).toEqual([]);
  });

  it("admin actions are staff-only (the verification step excepted), account actions need a signed-in user", async () => {
    const actions = await loadActions();
    const wrong = actions.filter(({ file, info }) => {
      if (file.startsWith(path.join("app", "admin", "verify"))) return info?.caller !== "staff_to_verify";
      if (file.startsWith(path.join("app", "admin"))) return info?.caller !== "staff";
      // The e-mail change link is opened from a mailbox, maybe in a browser that is signed out.
      if (file.startsWith(path.join("app", "(account)")) && !file.includes("confirm-email"))
        return info?.caller !== "user";
      return false;
    });
    expect(wrong.map((a) => `${a.label}: ${a.info?.caller}`)).toEqual([]);
  });
});

describe("every server action refuses hostile arguments", () => {
  it("the four actions of the report answer validation_error to [{},null]", async () => {
    newRequest(newClient());
    const before = await snapshotContents();
    for (const action of [loginAction, forgotPasswordAction, resetPasswordAction, secureAccountAction] as Action[]) {
      expect(await callAction(action, [{}, null])).toMatchObject({
        kind: "returned",
        value: { error: "Invalid request", code: "validation_error" },
      });
      expect(await callAction(action, [null, {}])).toMatchObject({
        kind: "returned",
        value: { error: "Invalid request", code: "validation_error" },
      });
    }
    expect(await snapshotContents()).toEqual(before);
  });

  it.each([
    ["signed out", null],
    ["signed in", PASSWORD_ONLY],
    ["staff with 2FA", WITH_MFA],
  ] as const)(
    "%s: no throw, an error or nothing, no change",
    async (_label, amr) => {
      const user = await makeUser({ staff: amr === WITH_MFA });
      const client = newClient();
      if (amr) await signInBrowser(user.id, [...amr], client);
      else newRequest(client);
      await db.authSession.updateMany({ data: { reauthAt: new Date(Date.now() - 86_400_000) } });
      const before = await snapshotContents();

      const actions = await loadActions();
      // Actions that take no input at all (sign out, begin a setup) have nothing to refuse.
      const withInput = actions.filter((a) => a.info !== undefined && a.info.shape !== "call");
      expect(withInput.length).toBeGreaterThan(40);
      for (const { label, fn, info } of withInput) {
        const arity = info?.arity ?? 1;
        await fc.assert(
          fc.asyncProperty(hostileArgs(arity), async (args) => {
            const outcome = await callAction(fn, args).catch((error: unknown) => {
              throw new Error(`${label} threw on ${JSON.stringify(args)?.slice(0, 120)}: ${String(error)}`);
            });
            if (outcome.kind === "redirect") expect(outcome.url, label).toMatch(/^\/(?![/\\])/);
            if (outcome.kind === "returned" && outcome.value !== undefined) {
              expect(
                typeof (outcome.value as { error?: unknown }).error,
                `${label} accepted ${JSON.stringify(args)?.slice(0, 120)}`,
              ).toBe("string");
            }
          }),
          { numRuns: 12, endOnFailure: true, examples: [[[{}, null]], [[null]], [[]], [Array(arity).fill({})]] },
        );
      }
      expect(await snapshotContents()).toEqual(before);
    },
    120_000,
  );
});
