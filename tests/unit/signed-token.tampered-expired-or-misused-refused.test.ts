import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settings } from "@/lib/env";
import { signToken, verifyToken } from "@/lib/auth/signed-token";
import { overrideSettings } from "../helpers/settings";

const NOW = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
const LATER = new Date(NOW.getTime() + 10 * 60_000);
const Claims = z.object({ sub: z.string(), tok: z.string() });
const CLAIMS = { sub: "42", tok: "a".repeat(43) };

const part = (token: string, index: number) => token.split(".")[index] ?? "";
const json = (segment: string) =>
  JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** Changes a character in the middle: the last character of a base64url signature may only carry padding bits. */
const flip = (segment: string) => {
  const i = Math.floor(segment.length / 2);
  return `${segment.slice(0, i)}${segment[i] === "A" ? "B" : "A"}${segment.slice(i + 1)}`;
};

describe("a signed token", () => {
  it("is accepted for its purpose until it expires, with the claims it was signed with", async () => {
    const token = await signToken("trusted-browser", CLAIMS, LATER, NOW);
    expect(await verifyToken("trusted-browser", token, Claims, NOW)).toEqual(CLAIMS);
    expect(await verifyToken("trusted-browser", token, Claims, new Date(LATER.getTime() - 1_000))).toEqual(CLAIMS);
  });

  it("is refused with a tampered payload", async () => {
    const token = await signToken("trusted-browser", CLAIMS, LATER, NOW);
    const payload = encode({ ...json(part(token, 1)), sub: "43" });
    expect(
      await verifyToken("trusted-browser", `${part(token, 0)}.${payload}.${part(token, 2)}`, Claims, NOW),
    ).toBeNull();
    const later = encode({ ...json(part(token, 1)), exp: 9_999_999_999 });
    expect(
      await verifyToken("trusted-browser", `${part(token, 0)}.${later}.${part(token, 2)}`, Claims, NOW),
    ).toBeNull();
  });

  it("is refused with a tampered signature or header", async () => {
    const token = await signToken("trusted-browser", CLAIMS, LATER, NOW);
    expect(
      await verifyToken("trusted-browser", `${part(token, 0)}.${part(token, 1)}.${flip(part(token, 2))}`, Claims, NOW),
    ).toBeNull();
    expect(await verifyToken("trusted-browser", `${part(token, 0)}.${part(token, 1)}.`, Claims, NOW)).toBeNull();
    const none = encode({ alg: "none", typ: json(part(token, 0)).typ });
    expect(await verifyToken("trusted-browser", `${none}.${part(token, 1)}.`, Claims, NOW)).toBeNull();
    expect(await verifyToken("trusted-browser", `${none}.${part(token, 1)}.${part(token, 2)}`, Claims, NOW)).toBeNull();
  });

  it("is refused for any other purpose", async () => {
    const token = await signToken("trusted-browser", CLAIMS, LATER, NOW);
    for (const other of ["oauth-link-intent", "oauth-browser-nonce", "security-link"] as const) {
      expect(await verifyToken(other, token, Claims, NOW), other).toBeNull();
    }
  });

  it("is refused once expired, by the injected clock", async () => {
    const token = await signToken("security-link", CLAIMS, LATER, NOW);
    expect(await verifyToken("security-link", token, Claims, LATER)).toBeNull();
    expect(await verifyToken("security-link", token, Claims, new Date(LATER.getTime() + 86_400_000))).toBeNull();
  });

  it("is refused when signed with another key", async () => {
    const token = await signToken("oauth-link-intent", CLAIMS, LATER, NOW);
    overrideSettings({ authSecret: "another-secret-of-at-least-thirty-two-characters" });
    expect(await verifyToken("oauth-link-intent", token, Claims, NOW)).toBeNull();
  });

  it("is refused when signed with AUTH_SECRET itself rather than the purpose's derived key", async () => {
    const typ = json(part(await signToken("oauth-link-intent", CLAIMS, LATER, NOW), 0)).typ as string;
    const raw = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg: "HS256", typ })
      .setIssuedAt(Math.floor(NOW.getTime() / 1000))
      .setExpirationTime(Math.floor(LATER.getTime() / 1000))
      .sign(new TextEncoder().encode(settings.authSecret));
    expect(await verifyToken("oauth-link-intent", raw, Claims, NOW)).toBeNull();
  });

  it("is refused when its claims do not parse, and so is anything that is not a token", async () => {
    const token = await signToken("trusted-browser", { sub: "42" }, LATER, NOW);
    expect(await verifyToken("trusted-browser", token, Claims, NOW)).toBeNull();
    for (const junk of ["", "garbage", "a.b.c", "..", `${"a".repeat(5000)}.b.c`]) {
      expect(await verifyToken("trusted-browser", junk, Claims, NOW), junk.slice(0, 20)).toBeNull();
    }
  });
});
