import type { ReactElement } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loginAction } from "@/app/(auth)/login/actions";
import LoginPage from "@/app/(auth)/login/page";
import { passwordlessOptionsAction, passwordlessSignInAction } from "@/app/(auth)/login/passkey-actions";
import { finishEnrollmentAction, verifySecondFactorAction } from "@/app/(auth)/2fa/actions";
import SecurityPage from "@/app/(account)/account/security/page";
import AdminVerifyPage from "@/app/admin/verify/page";
import { GET as oauthComplete } from "@/app/oauth/complete/route";
import { PENDING_LOGIN_COOKIE } from "@/lib/auth/sessions/web-session";
import { newClient } from "../helpers/http";
import { getCookie, newRequest, outcome } from "../helpers/next-request";
import { accessTokenFor, addPasskey, newAuthenticator, type RequestOptions } from "../helpers/passkeys";
import { enrollTotp, freezeTime, totpNow } from "../helpers/two-factor";
import { PASSWORD_ONLY, signInBrowser, WITH_MFA } from "../helpers/admin";
import { makeUser } from "../helpers/users";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  appRequest,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Issue 15.2: every entry point that takes a return path sends the browser to this site only.
 * The attacks are paths that pass a "starts with one slash" check and become `//evil…` once
 * normalised.
 */
const ATTACKS = [
  "/.//evil.example/landing",
  "/x/..//evil.example/landing",
  "/%2e//evil.example/landing",
  "/\t/evil.example",
  "/%5c/evil.example",
];

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

/** Where a path sends a browser on this site. */
const resolved = (path: string) => new URL(path, `${APP_ORIGIN}/`);

function expectOnSite(url: string): void {
  expect(resolved(url).origin, url).toBe(APP_ORIGIN);
  expect(url.startsWith("//"), url).toBe(false);
}

/** Every href in a rendered element tree (server components are not expanded). */
function hrefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const child of node) hrefs(child, out);
  else if (node && typeof node === "object" && "props" in node) {
    const props = (node as ReactElement<{ href?: unknown; children?: unknown }>).props;
    if (typeof props.href === "string") out.push(props.href);
    hrefs(props.children, out);
  }
  return out;
}

describe("return paths through the real entry points stay on this site", () => {
  it.each(ATTACKS)("the no-JavaScript login POST with next=%j goes to /account", async (attack) => {
    const user = await makeUser();
    newRequest(newClient());
    const result = await outcome(() =>
      loginAction({}, form({ username: user.username, password: user.password, next: attack })),
    );
    expect(result).toEqual({ kind: "redirect", url: "/account" });
  });

  it("/login?next= for a signed-in user, and the 2FA step's forwarded next", async () => {
    const user = await makeUser();
    await signInBrowser(user.id, PASSWORD_ONLY);
    for (const attack of ATTACKS)
      expect(await outcome(() => LoginPage({ searchParams: Promise.resolve({ next: attack }) }))).toEqual({
        kind: "redirect",
        url: "/account",
      });
  });

  it("the 2FA action (TOTP code) and the enrollment finish", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    for (const attack of ATTACKS) {
      newRequest(newClient());
      expect(
        await outcome(() => loginAction({}, form({ username: user.username, password: user.password, next: attack }))),
      ).toEqual({ kind: "redirect", url: "/2fa?next=%2Faccount" });
      expect(getCookie(PENDING_LOGIN_COOKIE)).toBeTruthy();
      const verified = await outcome(() =>
        verifySecondFactorAction({}, form({ totp_token: "", backup_code: "", next: attack })),
      );
      expect(verified.kind).toBe("returned");
      const code = await totpNow(secret);
      expect(await outcome(() => verifySecondFactorAction({}, form({ totp_token: code, next: attack })))).toEqual({
        kind: "redirect",
        url: "/account",
      });
      vi.setSystemTime(new Date(Date.now() + 30_000));
      expect(await outcome(() => finishEnrollmentAction(form({ next: attack })))).toEqual({
        kind: "redirect",
        url: "/account",
      });
    }
  });

  it("passwordless passkey sign-in", async () => {
    const user = await makeUser();
    const authenticator = newAuthenticator();
    await addPasskey(await accessTokenFor(user), authenticator);
    for (const attack of ATTACKS) {
      newRequest(newClient());
      const options = await passwordlessOptionsAction();
      if (!("sessionId" in options)) throw new Error(options.error);
      const result = await outcome(() =>
        passwordlessSignInAction(
          options.sessionId,
          authenticator.assert(options.options as unknown as RequestOptions),
          attack,
        ),
      );
      expect(result).toEqual({ kind: "redirect", url: "/account" });
    }
  });

  it("the security page's continue link", async () => {
    const user = await makeUser();
    await signInBrowser(user.id, PASSWORD_ONLY);
    for (const attack of ATTACKS) {
      const page = await SecurityPage({ searchParams: Promise.resolve({ passkey_added: "1", next: attack }) });
      const links = hrefs(page);
      expect(links).toContain("/account");
      for (const link of links) expectOnSite(link);
    }
  });

  it("the admin guard keeps a staff return path inside /admin", async () => {
    const staff = await makeUser({ staff: true });
    await signInBrowser(staff.id, WITH_MFA);
    for (const attack of [...ATTACKS, "/admin/..//evil.example", "/admin/%2e%2e//evil.example"]) {
      expect(await outcome(() => AdminVerifyPage({ searchParams: Promise.resolve({ next: attack }) }))).toEqual({
        kind: "redirect",
        url: "/admin",
      });
    }
  });
});

describe("/oauth/complete", () => {
  let oidc: TestOidcProvider;
  beforeAll(async () => {
    oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
  });
  afterAll(async () => {
    await oidc?.stop();
  });

  it.each(ATTACKS)("with next=%j answers a Location on this site", async (attack) => {
    useTestProvider(oidc);
    const client = newClient();
    newRequest(client);
    const returnTo = `${APP_ORIGIN}/oauth/complete?next=${encodeURIComponent(attack)}`;
    const flow = await signInWithProvider(
      oidc,
      {
        sub: `sub-${Math.random().toString(36).slice(2)}`,
        email: `${Math.random().toString(36).slice(2)}@example.org`,
        emailVerified: true,
      },
      { callbackUrl: returnTo, client },
    );
    expect(flow.location).toBe(returnTo);
    const response = await appRequest(oauthComplete, "GET", flow.location, flow.jar, client);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${APP_ORIGIN}/account`);
  });
});
