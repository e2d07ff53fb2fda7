import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { noParams } from "../helpers/http";
import { db } from "@/lib/db";
import { consumeOAuthSignIn, OAUTH_SIGN_IN_SECONDS } from "@/lib/auth/oauth/provider-sign-in";
import { readBrowserNonce } from "@/lib/auth/oauth/browser-nonce";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { callBridge, CookieJar, OIDC_REDIRECT_URI, signInWithProvider, useTestProvider } from "../helpers/social-login";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

const person = (email: string) => ({
  sub: `single-${Math.random().toString(36).slice(2, 10)}`,
  email,
  emailVerified: true,
});

/** A copy of the browser's cookies before the bridge call: what a replaying attacker would hold. */
const copyOf = (jar: CookieJar) => {
  const copy = new CookieJar();
  for (const [k, v] of jar.cookies) copy.cookies.set(k, v);
  return copy;
};

describe("POST /api/auth/oauth/callback works once per provider sign-in", () => {
  it("refuses a replay of the same next-auth cookie, and ends the next-auth session", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, person("kim@example.org"));
    const stolen = copyOf(flow.jar);
    const first = await callBridge(flow.jar, flow.client);
    expect(first.status).toBe(200);
    expect(
      first.response.headers
        .getSetCookie()
        .some((c) => c.startsWith("authjs.session-token=;") && c.includes("Max-Age=0")),
    ).toBe(true);
    expect(flow.jar.cookies.has("authjs.session-token")).toBe(false);

    const replay = await callBridge(stolen, flow.client);
    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe("oauth_sign_in_invalid");
    expect(await db.authSession.count()).toBe(1);
  });

  it("lets exactly one of two concurrent bridge calls win", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, person("lee@example.org"));
    const results = await Promise.all([
      callBridge(copyOf(flow.jar), flow.client),
      callBridge(copyOf(flow.jar), flow.client),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(await db.authSession.count()).toBe(1);
  });

  it("refuses a provider sign-in older than its lifetime", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, person("mia@example.org"));
    const nonce = readBrowserNonce(new Headers({ cookie: flow.jar.header() }));
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + (OAUTH_SIGN_IN_SECONDS + 30) * 1000);
      const late = await callBridge(flow.jar, flow.client);
      expect(late.status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
    expect(await db.authSession.count()).toBe(0);
    // The record itself expires too, whatever the cookie says.
    const row = await db.oAuthSignIn.findFirstOrThrow();
    const later = new Date(row.expiresAt.getTime() + 1000);
    expect((await consumeOAuthSignIn(row.id, nonce, later)).ok).toBe(false);
    expect((await consumeOAuthSignIn(row.id, nonce, new Date(row.expiresAt.getTime() - 1000))).ok).toBe(true);
  });

  it("answers 401 without a provider sign-in, and 405 to GET", async () => {
    useTestProvider(oidc);
    const none = await callBridge(new CookieJar(), { ip: "10.9.9.9", userAgent: "x" });
    expect(none.status).toBe(401);
    expect(none.json.code).toBe("not_authenticated");
    const forged = new CookieJar();
    forged.cookies.set("authjs.session-token", "not-a-jwe");
    expect((await callBridge(forged, { ip: "10.9.9.9", userAgent: "x" })).status).toBe(401);
    const { GET } = await import("@/app/api/auth/oauth/callback/route");
    const res = await GET(new Request("http://localhost:3000/api/auth/oauth/callback"), noParams());
    expect(res.status).toBe(405);
  });
});
