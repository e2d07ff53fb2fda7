import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ERRORS } from "@/lib/auth/errors";
import { actionInfo, INVALID_ACTION_INPUT, publicAction, staffAction, userAction } from "@/lib/http/action";
import { FIELD_MESSAGES, requiredText } from "@/lib/http/fields";
import type { FormState } from "@/lib/http/form";
import { newClient } from "../helpers/http";
import { newRequest, outcome } from "../helpers/next-request";
import { PASSWORD_ONLY, signInBrowser, WITH_MFA } from "../helpers/admin";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/** Counts how often the wrapper reads the request's client. */
const clientReads = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/lib/auth/sessions/web-session", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/sessions/web-session")>();
  return {
    ...actual,
    currentClient: async () => {
      clientReads.count++;
      return actual.currentClient();
    },
  };
});

/**
 * lib/http/action.ts, the one wrapper every server action is built with: it refuses arguments no
 * form sends before anything else runs, establishes the caller with the pages' guards (redirect to
 * sign-in, the admin guard's 404 and second-factor step) before it looks at the form, validates
 * with the catalogue's field messages, reads the client once and hands the body typed values.
 */

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

const PAGE = "/account/wrapped";
const Schema = z.object({ name: requiredText(10), next: z.string() });

beforeEach(() => {
  clientReads.count = 0;
});

describe("server action wrapper", () => {
  it("refuses arguments no form sends before the guard, the form and the body", async () => {
    newRequest(newClient());
    const body = vi.fn(async () => ({}));
    const formAction = userAction.form({ page: PAGE, form: ["a"] }, body);
    const submitAction = userAction.submit({ page: PAGE, form: ["a"] }, body);
    const argsAction = userAction.args(
      { page: PAGE, args: [z.string()], invalid: { error: ERRORS.validation_error.message } },
      body,
    );
    for (const [state, formData] of [
      [{}, null],
      [null, form({})],
      [[], form({})],
      ["x", form({})],
      [{}, { get: () => "x" }],
    ] as const) {
      // Signed out, yet no redirect to sign-in: the call is refused first.
      expect(await outcome(() => (formAction as (...a: unknown[]) => Promise<unknown>)(state, formData))).toEqual({
        kind: "returned",
        value: INVALID_ACTION_INPUT,
      });
    }
    expect(await outcome(() => (submitAction as (...a: unknown[]) => Promise<unknown>)({}))).toEqual({
      kind: "returned",
      value: undefined,
    });
    expect(await outcome(() => (argsAction as (...a: unknown[]) => Promise<unknown>)(42))).toEqual({
      kind: "returned",
      value: { error: "Invalid request" },
    });
    expect(INVALID_ACTION_INPUT).toMatchObject({ error: "Invalid request", code: "validation_error" });
    expect(body).not.toHaveBeenCalled();
    expect(clientReads.count).toBe(0);
  });

  it("sends a signed-out visitor to sign in (back to the page) before it looks at the form", async () => {
    newRequest(newClient());
    const body = vi.fn(async () => ({}));
    const action = userAction.form({ page: PAGE, form: Schema }, body);
    // The form is invalid too: the guard answers first, as the page itself would.
    expect(await outcome(() => action({}, form({ name: "" })))).toEqual({
      kind: "redirect",
      url: `/login?next=${encodeURIComponent(PAGE)}`,
    });
    expect(await outcome(userAction.call({ page: PAGE }, body))).toEqual({
      kind: "redirect",
      url: `/login?next=${encodeURIComponent(PAGE)}`,
    });
    expect(body).not.toHaveBeenCalled();
  });

  it("staff actions go through the admin guard: 404 for a user, the verification step without a second factor", async () => {
    overrideSettings({ admin2faRequired: true });
    const body = vi.fn(async (_context: unknown) => undefined);
    const action = staffAction.submit({ page: (f) => `/admin/users/${f.user_id}`, form: ["user_id"] }, body);

    await signInBrowser((await makeUser()).id, PASSWORD_ONLY);
    expect(await outcome(() => action(form({ user_id: "7" })))).toEqual({ kind: "not_found" });

    await signInBrowser((await makeUser({ staff: true })).id, PASSWORD_ONLY);
    expect(await outcome(() => action(form({ user_id: "7" })))).toEqual({
      kind: "redirect",
      url: `/admin/verify?next=${encodeURIComponent("/admin/users/7")}`,
    });
    expect(body).not.toHaveBeenCalled();

    const staff = await makeUser({ staff: true });
    await signInBrowser(staff.id, WITH_MFA);
    expect(await outcome(() => action(form({ user_id: "7" })))).toEqual({ kind: "returned", value: undefined });
    expect(body).toHaveBeenCalledOnce();
    expect(body.mock.calls[0]?.[0]).toMatchObject({
      user: { id: staff.id },
      actor: { userId: staff.id, isStaff: true },
      fields: { user_id: "7" },
    });
  });

  it("validates with the catalogue's messages, refills only the fields it names and changes nothing else", async () => {
    newRequest(newClient());
    const body = vi.fn(async () => ({}));
    const action = publicAction.form({ form: Schema, refill: ["name"] }, body);
    expect(await action({}, form({ name: "   ", next: "/x" }))).toEqual({
      error: ERRORS.form_invalid.message,
      code: "form_invalid",
      fieldErrors: { name: [FIELD_MESSAGES.blank] },
      values: { name: "   " },
    });
    expect(await action({}, form({ name: "x".repeat(11) }))).toMatchObject({
      fieldErrors: { name: [FIELD_MESSAGES.tooLong(10)] },
    });
    // Text PostgreSQL cannot store reads as absent (lib/http/form.ts formFields).
    expect(await action({}, form({ name: "a\u0000b" }))).toMatchObject({
      fieldErrors: { name: [FIELD_MESSAGES.blank] },
    });
    // Without `refill` nothing is sent back.
    expect(await publicAction.form({ form: Schema }, body)({}, form({}))).toMatchObject({
      code: "form_invalid",
      values: undefined,
    });
    expect(body).not.toHaveBeenCalled();
    expect(clientReads.count).toBe(0);
  });

  it("reads the client once and hands the body the caller, typed input, raw fields and previous state", async () => {
    const user = await makeUser();
    const { sessionId, client } = await signInBrowser(user.id, PASSWORD_ONLY, newClient("wrapper-test-agent"));
    const seen: unknown[] = [];
    const action = userAction.form(
      { page: PAGE, form: Schema },
      async ({ input, fields, user: who, actor, client: c, state }): Promise<FormState & { step?: number }> => {
        seen.push({ input, fields, userId: who.id, actor, client: c, state });
        return { step: (state.step ?? 0) + 1 };
      },
    );
    expect(await action({ step: 1 }, form({ name: "  Ada  ", next: "/next" }))).toEqual({ step: 2 });
    expect(seen).toEqual([
      {
        input: { name: "Ada", next: "/next" },
        fields: { name: "  Ada  ", next: "/next" },
        userId: user.id,
        actor: { userId: user.id, username: user.username, isStaff: false, sessionId },
        client: { ip: client.ip, userAgent: "wrapper-test-agent" },
        state: { step: 1 },
      },
    ]);
    expect(clientReads.count).toBe(1);

    clientReads.count = 0;
    const call = userAction.call({ page: PAGE }, async ({ client: c }) => c.userAgent);
    expect(await (call as (...a: unknown[]) => Promise<unknown>)("ignored", { too: 1 })).toBe("wrapper-test-agent");
    const args = publicAction.args(
      { args: [z.string(), z.unknown()], invalid: "refused" },
      async ({ input: [a, b] }) => `${a}:${String(b)}`,
    );
    expect(await args("x", 1)).toBe("x:1");
    expect(clientReads.count).toBe(2);
  });

  it("records how each action was built, for the structural tests", () => {
    expect(actionInfo(userAction.form({ page: PAGE }, async () => ({})))).toEqual({
      caller: "user",
      shape: "form",
      arity: 2,
    });
    expect(actionInfo(staffAction.submit({}, async () => undefined))).toEqual({
      caller: "staff",
      shape: "submit",
      arity: 1,
    });
    expect(actionInfo(publicAction.call({}, async () => undefined))).toEqual({
      caller: "public",
      shape: "call",
      arity: 0,
    });
    expect(
      actionInfo(publicAction.args({ args: [z.string(), z.unknown(), z.unknown()], invalid: null }, async () => null)),
    ).toEqual({ caller: "public", shape: "args", arity: 3 });
    expect(actionInfo(async () => undefined)).toBeUndefined();
  });
});
