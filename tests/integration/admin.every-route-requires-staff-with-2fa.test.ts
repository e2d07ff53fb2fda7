import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/auth/encryption";
import { snapshotCounts } from "../helpers/db";
import { newClient } from "../helpers/http";
import { newRequest, outcome } from "../helpers/next-request";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { PASSWORD_ONLY, signInBrowser, WITH_MFA } from "../helpers/admin";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Every page, server action and route handler under app/admin, found on disk: a new one that
 * forgets requireStaff()/staffRoute() fails here. Only the second-factor gate itself
 * (app/admin/verify) may answer a staff session that has not passed 2FA, and it is named below.
 */
const ADMIN_DIR = path.resolve("app/admin");
const GATE = new Set(["verify/page.tsx", "verify/actions.ts"]);

const files = (readdirSync(ADMIN_DIR, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/")).sort();
const pages = files.filter((f) => /(^|\/)page\.(tsx|ts|jsx|js)$/.test(f));
const routes = files.filter((f) => /(^|\/)route\.(ts|tsx|js)$/.test(f));
const actionFiles = files.filter((f) => /(^|\/)actions\.(ts|tsx)$/.test(f));
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

type Identity = "signed_out" | "inactive_staff" | "not_staff" | "staff_without_2fa_in_session" | "staff";

/** The URL path of a page or route file, with dynamic segments filled in. */
function urlPath(file: string, params: Record<string, string>): string {
  const dir = path.posix.dirname(file);
  const segments = dir === "." ? [] : dir.split("/").filter((s) => !s.startsWith("(") && !s.startsWith("_"));
  return ["/admin", ...segments.map((s) => (s.startsWith("[") ? (params[s.slice(1, -1)] ?? "x") : s))]
    .join("/")
    .replace(/\/$/, "");
}

async function setUp() {
  const target = await makeUser();
  await db.oAuthProvider.create({
    data: {
      id: "acme",
      type: "github",
      displayName: "Acme",
      clientId: "acme-client",
      clientSecretEncrypted: encryptSecret("s3cret"),
    },
  });
  const params: Record<string, string> = { id: String(target.id), resource: "users" };
  const paramsFor = (file: string): Record<string, string> =>
    file.startsWith("oauth-providers/") ? { ...params, id: "acme" } : params;
  return { paramsFor };
}

async function become(identity: Identity): Promise<void> {
  if (identity === "signed_out") {
    newRequest(newClient());
    return;
  }
  const user = await makeUser({ staff: identity !== "not_staff" });
  if (identity === "inactive_staff") await db.user.update({ where: { id: user.id }, data: { isActive: false } });
  await signInBrowser(user.id, identity === "staff_without_2fa_in_session" ? PASSWORD_ONLY : WITH_MFA);
}

function expectRefused(identity: Identity, result: Awaited<ReturnType<typeof outcome>>, where: string) {
  if (identity === "signed_out" || identity === "inactive_staff") {
    expect(
      result.kind === "redirect" && result.url.startsWith("/login?next=%2Fadmin") ? "sign-in" : result,
      where,
    ).toBe("sign-in");
  } else if (identity === "not_staff") {
    expect(result.kind, where).toBe("not_found");
  } else {
    expect(
      result.kind === "redirect" && result.url.startsWith("/admin/verify?next=%2Fadmin") ? "verify" : result,
      where,
    ).toBe("verify");
  }
}

describe("the admin area's own files", () => {
  it("are found on disk (the enumeration below is not empty)", () => {
    expect(pages).toContain("page.tsx");
    expect(pages.length).toBeGreaterThanOrEqual(12);
    expect(routes.length).toBeGreaterThanOrEqual(1);
    expect(actionFiles.length).toBeGreaterThanOrEqual(5);
    for (const gate of GATE) expect(files).toContain(gate);
  });

  it("hold server actions only in actions.ts files (so every action is enumerated)", () => {
    const withDirective = files.filter(
      (f) => /\.(ts|tsx)$/.test(f) && /^\s*(["'])use server\1/m.test(readFileSync(path.join(ADMIN_DIR, f), "utf8")),
    );
    expect(withDirective.sort()).toEqual(actionFiles);
  });
});

const refusedIdentities: Identity[] = ["signed_out", "inactive_staff", "not_staff", "staff_without_2fa_in_session"];

describe.each(pages)("page %s", (file) => {
  for (const identity of refusedIdentities) {
    const gateOpen = GATE.has(file) && identity === "staff_without_2fa_in_session";
    it(
      gateOpen
        ? "lets a staff session without 2FA reach the verification step"
        : `refuses ${identity.replaceAll("_", " ")}`,
      async () => {
        const { paramsFor } = await setUp();
        await become(identity);
        const mod = (await import(path.join(ADMIN_DIR, file))) as { default: (props: unknown) => Promise<unknown> };
        const before = await snapshotCounts();
        const result = await outcome(() =>
          mod.default({ params: Promise.resolve(paramsFor(file)), searchParams: Promise.resolve({}) }),
        );
        if (gateOpen) expect(result.kind).toBe("returned");
        else expectRefused(identity, result, file);
        // A GET never changes anything, whoever asks.
        expect(await snapshotCounts()).toEqual(before);
      },
    );
  }

  it("renders for staff who passed 2FA in this session", async () => {
    const { paramsFor } = await setUp();
    await become("staff");
    const mod = (await import(path.join(ADMIN_DIR, file))) as { default: (props: unknown) => Promise<unknown> };
    const result = await outcome(() =>
      mod.default({ params: Promise.resolve(paramsFor(file)), searchParams: Promise.resolve({}) }),
    );
    if (GATE.has(file)) expect(result).toEqual({ kind: "redirect", url: "/admin" });
    else expect(result.kind === "returned" ? "returned" : JSON.stringify(result)).toBe("returned");
  });
});

describe.each(actionFiles)("server actions in %s", (file) => {
  it("export at least one action", async () => {
    const mod = (await import(path.join(ADMIN_DIR, file))) as Record<string, unknown>;
    expect(Object.values(mod).filter((v) => typeof v === "function").length).toBeGreaterThan(0);
  });

  for (const identity of refusedIdentities) {
    if (GATE.has(file) && identity === "staff_without_2fa_in_session") continue;
    it(`refuse ${identity.replaceAll("_", " ")} before doing anything`, async () => {
      await setUp();
      const mod = (await import(path.join(ADMIN_DIR, file))) as Record<string, unknown>;
      for (const [name, action] of Object.entries(mod)) {
        if (typeof action !== "function") continue;
        await become(identity);
        const form = new FormData();
        for (const [k, v] of Object.entries({
          user_id: "1",
          id: "acme",
          ids: "1",
          reason: "testing the guard",
          next: "/admin",
          return_to: "/admin",
          active: "false",
          staff: "true",
        }))
          form.set(k, v);
        const before = await snapshotCounts();
        // Actions bound to forms take (formData); useActionState ones take (state, formData).
        const result = await outcome(() =>
          action.length >= 2
            ? (action as (s: unknown, f: FormData) => Promise<unknown>)({}, form)
            : (action as (f: FormData) => Promise<unknown>)(form),
        );
        expectRefused(identity, result, `${file} ${name}`);
        expect(await snapshotCounts(), `${file} ${name}`).toEqual(before);
      }
    });
  }
});

describe.each(routes)("route %s", (file) => {
  for (const identity of [...refusedIdentities, "staff" as const]) {
    it(identity === "staff" ? "answers staff who passed 2FA" : `refuses ${identity.replaceAll("_", " ")}`, async () => {
      const { paramsFor } = await setUp();
      const mod = (await import(path.join(ADMIN_DIR, file))) as Record<string, unknown>;
      const methods = HTTP_METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        await become(identity);
        const params = paramsFor(file);
        const url = `http://localhost:3000${urlPath(file, params)}`;
        const handler = mod[method] as (
          r: Request,
          c: { params: Promise<Record<string, string>> },
        ) => Promise<Response>;
        const res = await handler(new Request(url, { method }), { params: Promise.resolve(params) });
        const where = `${method} ${file}`;
        if (identity === "signed_out" || identity === "inactive_staff") {
          expect(res.status, where).toBe(303);
          expect(res.headers.get("location"), where).toMatch(/^\/login\?next=%2Fadmin/);
        } else if (identity === "not_staff") {
          expect(res.status, where).toBe(404);
        } else if (identity === "staff_without_2fa_in_session") {
          expect(res.status, where).toBe(303);
          expect(res.headers.get("location"), where).toMatch(/^\/admin\/verify\?next=%2Fadmin/);
        } else {
          expect(res.status, where).toBe(method === "GET" ? 200 : 405);
        }
        await res.body?.cancel();
      }
    });
  }
});

describe("with ADMIN_2FA_REQUIRED off", () => {
  it("staff alone is enough, and non-staff are still refused", async () => {
    overrideSettings({ admin2faRequired: false });
    const { paramsFor } = await setUp();
    const dashboard = (await import(path.join(ADMIN_DIR, "page.tsx"))) as {
      default: (props: unknown) => Promise<unknown>;
    };
    await become("staff_without_2fa_in_session");
    expect(
      (
        await outcome(() =>
          dashboard.default({ params: Promise.resolve(paramsFor("page.tsx")), searchParams: Promise.resolve({}) }),
        )
      ).kind,
    ).toBe("returned");
    await become("not_staff");
    expect(
      (await outcome(() => dashboard.default({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }))).kind,
    ).toBe("not_found");
  });
});

beforeEach(() => {
  newRequest(newClient());
});
