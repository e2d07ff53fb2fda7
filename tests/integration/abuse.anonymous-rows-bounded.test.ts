import { afterEach, describe, expect, it, vi } from "vitest";
import * as loginRoute from "@/app/api/auth/login/route";
import * as passwordlessOptionsRoute from "@/app/api/auth/passkey/login/options/route";
import * as passwordlessRoute from "@/app/api/auth/passkey/login/route";
import * as registerRoute from "@/app/api/auth/register/route";
import * as forgotRoute from "@/app/api/auth/password/forgot/route";
import { loginAction } from "@/app/(auth)/login/actions";
import { passwordlessOptionsAction, passwordlessSignInAction } from "@/app/(auth)/login/passkey-actions";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import { signupAction } from "@/app/(auth)/signup/actions";
import { MAX_PENDING_LOGINS_PER_USER } from "@/lib/auth/login/pending-logins";
import { completeProviderSignIn } from "@/lib/auth/oauth/provider-sign-in";
import { db } from "@/lib/db";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { call, newClient, type Client } from "../helpers/http";
import { newRequest, outcome } from "../helpers/next-request";
import { overrideSettings } from "../helpers/settings";
import { advanceTime, enrollTotp, freezeTime, passwordLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Issue 18.2/18.3: every row an anonymous caller can cause is behind a limit. Each test sends a
 * few hundred requests from one address and checks that the tables grew by a bounded amount,
 * not by one row per request.
 */

const REQUESTS = 300;

afterEach(() => {
  vi.useRealTimers();
});

async function counts() {
  const [events, challenges, buckets, logins, handOffs, users, resets, mail] = await Promise.all([
    db.securityEvent.count(),
    db.webAuthnChallenge.count(),
    db.rateLimitBucket.count(),
    db.loginSession.count(),
    db.oAuthSignIn.count(),
    db.user.count(),
    db.passwordResetToken.count(),
    db.mailMessage.count(),
  ]);
  return { events, challenges, buckets, logins, handOffs, users, resets, mail };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function repeat(n: number, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) await run(i);
}

const LONG_AGENT = `attacker/${"x".repeat(2000)}`;

describe("refused sign-ins are logged once per window, with truncated strings", () => {
  it("300 password sign-ins from one address: 10 failures and one rate_limited row, not 300", async () => {
    freezeTime();
    const client = newClient(LONG_AGENT);
    await repeat(REQUESTS, (i) =>
      call(loginRoute.POST, "POST", "/api/auth/login", {
        client,
        body: { username: `victim${i}-${"u".repeat(140)}`, password: "wrong-password-1" },
      }),
    );
    const events = await db.securityEvent.groupBy({ by: ["type"], _count: true });
    expect(Object.fromEntries(events.map((e) => [e.type, e._count]))).toEqual({
      "login.failed": 10,
      "login.rate_limited": 1,
    });
    const stored = await db.securityEvent.findMany({ select: { userAgent: true, details: true } });
    for (const row of stored) {
      expect(row.userAgent.length).toBeLessThanOrEqual(256);
      expect(JSON.stringify(row.details).length).toBeLessThan(250);
    }
    expect((await counts()).buckets).toBeLessThanOrEqual(12);
  });

  it("the login server action behaves alike", async () => {
    freezeTime();
    newRequest(newClient(LONG_AGENT));
    await repeat(REQUESTS, (i) =>
      outcome(() => loginAction({}, form({ username: `victim${i}`, password: "wrong-password-1" }))),
    );
    expect(await db.securityEvent.count({ where: { type: "login.rate_limited" } })).toBe(1);
    expect((await counts()).events).toBe(11);
  });

  it("a new window logs the refusal again, once", async () => {
    freezeTime();
    const client = newClient();
    await repeat(30, (i) =>
      call(loginRoute.POST, "POST", "/api/auth/login", {
        client,
        body: { username: `v${i}`, password: "wrong-password-1" },
      }),
    );
    advanceTime(61_000);
    await repeat(30, (i) =>
      call(loginRoute.POST, "POST", "/api/auth/login", {
        client,
        body: { username: `w${i}`, password: "wrong-password-1" },
      }),
    );
    expect(await db.securityEvent.count({ where: { type: "login.rate_limited" } })).toBe(2);
  });

  it("refused passwordless sign-ins (route and action) log once per window", async () => {
    freezeTime();
    const client = newClient();
    await repeat(REQUESTS, () =>
      call(passwordlessRoute.POST, "POST", "/api/auth/passkey/login", {
        client,
        body: { session_id: crypto.randomUUID(), passkey_response: { id: "x" } },
      }),
    );
    newRequest(newClient());
    await repeat(REQUESTS, () => outcome(() => passwordlessSignInAction(crypto.randomUUID(), { id: "x" }, "/")));
    expect(await db.securityEvent.count({ where: { type: "login.rate_limited" } })).toBe(2);
    expect((await counts()).events).toBe(2);
  });
});

describe("anonymous requests that store rows are limited per address", () => {
  it("300 passwordless options requests store at most 20 challenges", async () => {
    freezeTime();
    const client = newClient();
    const statuses = new Set<number>();
    await repeat(REQUESTS, async () =>
      statuses.add(
        (await call(passwordlessOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", { client, body: {} }))
          .status,
      ),
    );
    expect([...statuses].sort()).toEqual([200, 429]);
    expect((await counts()).challenges).toBeLessThanOrEqual(20);
    // Another address is not affected.
    expect(
      (
        await call(passwordlessOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", {
          client: newClient(),
          body: {},
        })
      ).status,
    ).toBe(200);
  });

  it("one host rotating through its IPv6 /64 shares one limit (challenges, buckets and refusal logs stay bounded)", async () => {
    freezeTime();
    const prefix = "2001:db8:7:42";
    const fromHost = (i: number): Client => ({
      ip: `${prefix}:${(i >> 16) & 0xffff}:${(i >> 8) & 0xff}:${i & 0xff}:1`,
      userAgent: "vitest",
    });
    const statuses = new Set<number>();
    await repeat(REQUESTS, async (i) =>
      statuses.add(
        (
          await call(passwordlessOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", {
            client: fromHost(i),
            body: {},
          })
        ).status,
      ),
    );
    expect([...statuses].sort()).toEqual([200, 429]);
    const after = await counts();
    expect(after.challenges).toBeLessThanOrEqual(20);
    expect(after.buckets).toBeLessThanOrEqual(2);
    await repeat(REQUESTS, (i) =>
      call(passwordlessRoute.POST, "POST", "/api/auth/passkey/login", {
        client: fromHost(i),
        body: { session_id: crypto.randomUUID(), passkey_response: { id: "x" } },
      }),
    );
    expect(await db.securityEvent.count({ where: { type: "login.rate_limited" } })).toBe(1);
  });

  it("the passwordless options server action shares the limit", async () => {
    freezeTime();
    newRequest(newClient());
    const results = [];
    for (let i = 0; i < REQUESTS; i++) results.push(await passwordlessOptionsAction());
    expect(results.filter((r) => "error" in r).length).toBe(REQUESTS - 20);
    expect((await counts()).challenges).toBe(20);
  });

  it("300 sign-ups (route and action) create at most the login limit of users", async () => {
    freezeTime();
    const client = newClient();
    await repeat(REQUESTS, (i) =>
      call(registerRoute.POST, "POST", "/api/auth/register", {
        client,
        body: { username: `spam${i}`, email: `spam${i}@example.com`, password: "a long enough password 1" },
      }),
    );
    newRequest(newClient());
    await repeat(REQUESTS, (i) =>
      outcome(() =>
        signupAction(
          {},
          form({
            username: `spam-a${i}`,
            email: `spam-a${i}@example.com`,
            password: "a long enough password 1",
            confirm: "a long enough password 1",
          }),
        ),
      ),
    );
    const after = await counts();
    expect(after.users).toBeLessThanOrEqual(20);
    expect(after.events).toBeLessThanOrEqual(40);
  });

  it("300 reset requests (route and action) for a real address: bounded tokens, mail and events", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    await repeat(REQUESTS, () =>
      call(forgotRoute.POST, "POST", "/api/auth/password/forgot", { client, body: { email: user.email } }),
    );
    newRequest(newClient());
    await repeat(REQUESTS, () =>
      outcome(() => forgotPasswordAction({}, form({ email: `nobody-${Math.random()}@example.com` }))),
    );
    await settleMailDeliveries();
    const after = await counts();
    expect(after.resets).toBeLessThanOrEqual(5);
    expect(after.mail).toBeLessThanOrEqual(5);
    // One row per request the per-address limit lets through (both addresses), plus the account notice.
    expect(after.events).toBeLessThanOrEqual(22);
  });

  it("300 finished provider sign-ins from one address: bounded users and hand-offs", async () => {
    freezeTime();
    overrideSettings({ socialAuth: { enabled: true }, signupEnabled: true });
    const client = newClient();
    await repeat(REQUESTS, (i) =>
      completeProviderSignIn(
        {
          provider: "oidc",
          providerAccountId: `sub-${i}`,
          email: `social${i}@example.com`,
          emailVerified: true,
          emailTrusted: true,
        },
        client,
      ),
    );
    const after = await counts();
    expect(after.users).toBeLessThanOrEqual(10);
    expect(after.handOffs).toBeLessThanOrEqual(10);
  });
});

describe("rows tied to one account stay bounded whatever the number of addresses", () => {
  it("pending logins: 30 password sign-ins from 30 addresses leave at most MAX_PENDING_LOGINS_PER_USER (25)", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    await repeat(30, async () => expect((await passwordLogin(user, newClient())).json.requires_2fa).toBe(true));
    expect(await db.loginSession.count({ where: { userId: user.id, consumedAt: null } })).toBe(
      MAX_PENDING_LOGINS_PER_USER,
    );
    // The newest one still works: the cap drops the oldest.
    const newest = await db.loginSession.findFirst({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
    expect(newest).not.toBeNull();
  });

  it("provider hand-offs: one provider account signing in from 30 addresses leaves at most 5", async () => {
    freezeTime();
    overrideSettings({ socialAuth: { enabled: true }, signupEnabled: true });
    const clients: Client[] = Array.from({ length: 30 }, () => newClient());
    for (const client of clients) {
      const done = await completeProviderSignIn(
        {
          provider: "oidc",
          providerAccountId: "same-sub",
          email: "same@example.com",
          emailVerified: true,
          emailTrusted: true,
        },
        client,
      );
      expect(done.ok).toBe(true);
    }
    expect((await counts()).handOffs).toBeLessThanOrEqual(5);
  });
});
