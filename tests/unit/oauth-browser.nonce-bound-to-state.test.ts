import { describe, expect, it } from "vitest";
import { browserNonceCookieName, browserNonceHash, endBrowserNonceCookie, newBrowserNonce, nonceForState, readBrowserNonce, stateOfAuthorizationUrl } from "@/lib/auth/oauth-browser";

const withCookie = (value: string) => new Headers({ cookie: `other=1; ${browserNonceCookieName()}=${value}` });

describe("the browser nonce of a provider sign-in", () => {
  it("is accepted only for the state it was issued with", () => {
    const cookie = newBrowserNonce("state-A");
    const nonce = nonceForState(withCookie(cookie), "state-A");
    expect(nonce).toMatch(/^[\w-]{43}$/);
    expect(readBrowserNonce(withCookie(cookie))).toBe(nonce);
    expect(nonceForState(withCookie(cookie), "state-B")).toBeNull();
    expect(nonceForState(withCookie(cookie), null)).toBeNull();
    expect(nonceForState(new Headers(), "state-A")).toBeNull();
  });

  it("refuses a tampered nonce or MAC", () => {
    const cookie = newBrowserNonce("state-A");
    const [nonce = "", mac = ""] = cookie.split(".");
    const otherNonce = `${nonce.slice(0, -1)}${nonce.endsWith("A") ? "B" : "A"}`;
    expect(nonceForState(withCookie(`${otherNonce}.${mac}`), "state-A")).toBeNull();
    expect(nonceForState(withCookie(`${nonce}.${"0".repeat(64)}`), "state-A")).toBeNull();
    expect(nonceForState(withCookie(`${nonce}.${mac}.extra`), "state-A")).toBeNull();
    expect(nonceForState(withCookie(nonce), "state-A")).toBeNull();
  });

  it("is fresh every time, and stored only as a hash", () => {
    const a = newBrowserNonce("s");
    const b = newBrowserNonce("s");
    expect(a).not.toBe(b);
    const nonce = readBrowserNonce(withCookie(a)) ?? "";
    expect(browserNonceHash(nonce)).toMatch(/^[0-9a-f]{64}$/);
    expect(browserNonceHash(nonce)).not.toContain(nonce);
  });

  it("is deleted with the attributes it was set with", () => {
    expect(endBrowserNonceCookie()).toMatch(/^[\w-]+=; Path=\/; Max-Age=0; .*HttpOnly; SameSite=Lax/);
  });

  it("reads the state of a provider authorization URL", () => {
    expect(stateOfAuthorizationUrl("https://idp.example/auth?client_id=x&state=abc.def&code_challenge=y")).toBe("abc.def");
    expect(stateOfAuthorizationUrl("https://idp.example/auth")).toBeNull();
    expect(stateOfAuthorizationUrl("not a url")).toBeNull();
    expect(stateOfAuthorizationUrl(null)).toBeNull();
  });
});
