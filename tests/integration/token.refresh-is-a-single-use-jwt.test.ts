import { createHmac } from "node:crypto";
import { SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import * as token from "@/app/api/auth/token/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { sha256Hex } from "@/lib/auth/secrets";
import { call, newClient } from "../helpers/http";
import { advanceTime, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/** Finding 15.14: django-lokdown's refresh token is a simplejwt JWT whose exp clients read. */

const rotate = (value: string) => call(refresh.POST, "POST", "/api/auth/token/refresh", { body: { refresh: value } });

async function obtain() {
  const user = await makeUser();
  const res = await call(token.POST, "POST", "/api/auth/token", {
    client: newClient(),
    body: { username: user.username, password: user.password },
  });
  expect(res.status).toBe(200);
  return { user, access: res.json.access as string, refresh: res.json.refresh as string };
}

/** The app's signing key, derived as lib/auth/sessions/tokens.ts does, to forge tokens it must refuse for other reasons. */
const appKey = () => new Uint8Array(createHmac("sha256", settings.authSecret).update("lokdown:jwt").digest());

describe("refresh tokens are HS256 JWTs that stay single-use server-side state", () => {
  it("carry token_type refresh, jti, exp, iat, iss and aud; exp is when the server stops accepting them", async () => {
    freezeTime();
    const { user, refresh: value } = await obtain();
    expect(decodeProtectedHeader(value)).toMatchObject({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(value);
    expect(claims).toMatchObject({
      token_type: "refresh",
      user_id: user.id,
      sub: String(user.id),
      iss: settings.tokens.issuer,
      aud: settings.tokens.audience,
    });
    expect(typeof claims.jti).toBe("string");
    const row = await db.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(value) } });
    expect((claims.exp ?? 0) * 1000).toBe(row.expiresAt.getTime());
    expect(claims.exp).toBe(Math.floor(Date.now() / 1000) + settings.tokens.refreshDays * 86_400);
    // Only a hash is stored: neither the token nor its jti appears in the table.
    const stored = JSON.stringify(await db.refreshToken.findMany({ where: { sessionId: row.sessionId } }));
    expect(stored).not.toContain(value);
    expect(stored).not.toContain(claims.jti);

    advanceTime((claims.exp ?? 0) * 1000 - Date.now() + 1_000);
    expect((await rotate(value)).status).toBe(401);
  });

  it("rotate once; presenting a used one again revokes the family", async () => {
    const { refresh: first } = await obtain();
    const rotated = await rotate(first);
    expect(rotated.status).toBe(200);
    const second = rotated.json.refresh as string;
    expect(decodeJwt(second).token_type).toBe("refresh");
    expect(decodeJwt(second).jti).not.toBe(decodeJwt(first).jti);
    expect((await rotate(first)).status).toBe(401);
    expect((await rotate(second)).status).toBe(401);
    expect((await call(me.GET, "GET", "/api/me", { token: rotated.json.access as string })).status).toBe(401);
  });

  it("refuse an access token, another issuer or audience, another key, alg none, and an unknown jti", async () => {
    const { user, access, refresh: value } = await obtain();
    const now = Math.floor(Date.now() / 1000);
    const forge = (claims: Record<string, unknown>, key: Uint8Array = appKey()) =>
      new SignJWT({ token_type: "refresh", user_id: user.id, ...claims })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(String(user.id))
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .setJti("unknown-jti")
        .sign(key);
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const candidates = [
      access,
      await forge({ iss: "someone-else", aud: settings.tokens.audience }),
      await forge({ iss: settings.tokens.issuer, aud: "another-api" }),
      await forge({ iss: settings.tokens.issuer, aud: settings.tokens.audience }, new Uint8Array(32)),
      `${header}.${value.split(".")[1]}.`,
      // Validly signed, but never issued: the server-side row decides.
      await forge({ iss: settings.tokens.issuer, aud: settings.tokens.audience }),
    ];
    for (const candidate of candidates) expect((await rotate(candidate)).status, candidate).toBe(401);
    expect((await rotate(value)).status).toBe(200);
  });
});
