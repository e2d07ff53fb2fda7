import { describe, expect, it } from "vitest";
import {
  BROWSER_NONCE_SECONDS,
  browserNonceCookieName,
  browserNonceHash,
  endBrowserNonceCookie,
  newBrowserNonce,
  nonceForState,
  readBrowserNonce,
  stateOfAuthorizationUrl,
} from "@/lib/auth/oauth/browser-nonce";
import { claimsOf, withClaims, withForgedSignature } from "../helpers/signed-token";

const withCookie = (value: string) => new Headers({ cookie: `other=1; ${browserNonceCookieName()}=${value}` });

describe("the browser nonce of a provider sign-in", () => {
  it("is accepted only for the state it was issued with", async () => {
    const cookie = await newBrowserNonce("state-A");
    const nonce = await nonceForState(withCookie(cookie), "state-A");
    expect(nonce).toMatch(/^[\w-]{43}$/);
    expect(readBrowserNonce(withCookie(cookie))).toBe(nonce);
    expect(await nonceForState(withCookie(cookie), "state-B")).toBeNull();
    expect(await nonceForState(withCookie(cookie), null)).toBeNull();
    expect(await nonceForState(new Headers(), "state-A")).toBeNull();
  });

  it("refuses a tampered nonce, state or signature", async () => {
    const cookie = await newBrowserNonce("state-A");
    const other = await newBrowserNonce("state-B");
    const nonce = String(claimsOf(cookie).nonce);
    const otherNonce = `${nonce.slice(0, -1)}${nonce.endsWith("A") ? "B" : "A"}`;
    expect(await nonceForState(withCookie(withClaims(cookie, { nonce: otherNonce })), "state-A")).toBeNull();
    expect(await nonceForState(withCookie(withClaims(other, { state: claimsOf(cookie).state })), "state-A")).toBeNull();
    expect(await nonceForState(withCookie(withForgedSignature(cookie)), "state-A")).toBeNull();
    expect(await nonceForState(withCookie(`${cookie}.extra`), "state-A")).toBeNull();
    expect(await nonceForState(withCookie(nonce), "state-A")).toBeNull();
  });

  it("expires with the provider's own state cookie", async () => {
    const now = new Date(Date.UTC(2030, 0, 1));
    const cookie = await newBrowserNonce("state-A", now);
    const justBefore = new Date(now.getTime() + BROWSER_NONCE_SECONDS * 1000 - 1_000);
    expect(await nonceForState(withCookie(cookie), "state-A", justBefore)).toMatch(/^[\w-]{43}$/);
    expect(
      await nonceForState(withCookie(cookie), "state-A", new Date(now.getTime() + BROWSER_NONCE_SECONDS * 1000)),
    ).toBeNull();
  });

  it("is fresh every time, and stored only as a hash", async () => {
    const a = await newBrowserNonce("s");
    const b = await newBrowserNonce("s");
    expect(a).not.toBe(b);
    const nonce = readBrowserNonce(withCookie(a)) ?? "";
    expect(browserNonceHash(nonce)).toMatch(/^[0-9a-f]{64}$/);
    expect(browserNonceHash(nonce)).not.toContain(nonce);
  });

  it("is deleted with the attributes it was set with", () => {
    const header = endBrowserNonceCookie();
    expect(header).toMatch(/^[\w-]+=; /);
    for (const attribute of ["Path=/", "Max-Age=0", "HttpOnly", "SameSite=Lax"])
      expect(header.toLowerCase()).toContain(`; ${attribute.toLowerCase()}`);
  });

  it("reads the state of a provider authorization URL", () => {
    expect(stateOfAuthorizationUrl("https://idp.example/auth?client_id=x&state=abc.def&code_challenge=y")).toBe(
      "abc.def",
    );
    expect(stateOfAuthorizationUrl("https://idp.example/auth")).toBeNull();
    expect(stateOfAuthorizationUrl("not a url")).toBeNull();
    expect(stateOfAuthorizationUrl(null)).toBeNull();
  });
});
