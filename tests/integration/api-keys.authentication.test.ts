import { describe, expect, it } from "vitest";
import * as me from "@/app/api/me/route";
import * as whoami from "@/app/api/whoami/route";
import * as status from "@/app/api/auth/2fa/status/route";
import { db } from "@/lib/db";
import { call } from "../helpers/http";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, listKeys, meWithKey } from "../helpers/api-keys";
import { FAR_FROM_UTC, inTimeZone } from "../helpers/time-zone";

const DAY = 86_400_000;

describe("authenticating with an API key", () => {
  it("resolves to the key's user and says which credential was used", async () => {
    enableApiKeys();
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const key = await createKey(token);
    expect(key.api_key).toMatch(/^lk_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(key.api_key.startsWith(`${key.prefix}.`)).toBe(true);

    const withKey = await meWithKey(key.api_key);
    expect(withKey.status).toBe(200);
    expect(withKey.json).toMatchObject({ id: user.id, username: user.username, authenticated_with: "api_key" });
    const withToken = await call(me.GET, "GET", "/api/me", { token });
    expect(withToken.json).toMatchObject({ id: user.id, authenticated_with: "access_token" });

    const who = await call(whoami.GET, "GET", "/api/whoami", { headers: { authorization: `Api-Key ${key.api_key}` } });
    expect(who.json).toEqual({ id: user.id, username: user.username, is_staff: false, authenticated_with: "api_key" });
    // Schemes are case-insensitive (RFC 9110); the 2FA status may be read with a key.
    const lower = await call(status.GET, "GET", "/api/auth/2fa/status", {
      headers: { authorization: `api-key ${key.api_key}` },
    });
    expect(lower.status).toBe(200);
    expect(lower.json.is_enabled).toBe(false);
  });

  it("refuses malformed and forged keys with 401 and a WWW-Authenticate challenge", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    const key = await createKey(token);
    const [lookup, secret = ""] = key.api_key.split(".");
    const flipped = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    const other = (await createKey(token)).api_key.split(".")[1];
    for (const bad of [
      "",
      "nonsense",
      `${lookup}`,
      `${lookup}.`,
      `${lookup}.${flipped}`,
      `${lookup}.${other}`,
      `xx_${lookup?.slice(3)}.${secret}`,
      `${lookup}.${secret}x`,
      `lk_deadbeef.${secret}`,
    ]) {
      const res = await call(me.GET, "GET", "/api/me", { headers: { authorization: `Api-Key ${bad}`.trim() } });
      expect(res.status, bad).toBe(401);
      expect(res.headers.get("www-authenticate"), bad).toBeTruthy();
      expect(["api_key_invalid", "not_authenticated"]).toContain(res.json.code);
    }
    const forged = await meWithKey(`${lookup}.${flipped}`);
    expect(forged.json.code).toBe("api_key_invalid");
    expect((await meWithKey(key.api_key)).status).toBe(200);
  });

  // Keys are checked by a raw read; TZ must not move when they expire (credential-checks.utc-in-any-time-zone).
  for (const zone of [null, ...FAR_FROM_UTC]) {
    it(`refuses a key once it has expired${zone ? ` (TZ=${zone})` : ""}`, async () => {
      if (zone) inTimeZone(zone);
      enableApiKeys();
      freezeTime();
      const key = await createKey(await accessTokenFor(await makeUser()), { expires_in_days: 1 });
      advanceTime(DAY - 1000);
      expect((await meWithKey(key.api_key)).status).toBe(200);
      advanceTime(2000);
      const expired = await meWithKey(key.api_key);
      expect(expired.status).toBe(401);
      expect(expired.json.code).toBe("api_key_invalid");
    });
  }

  it("lists expired keys as inactive", async () => {
    enableApiKeys();
    overrideSettings({ tokens: { accessMinutes: 60 * 24 * 2 } });
    freezeTime();
    const token = await accessTokenFor(await makeUser());
    await createKey(token, { expires_in_days: 1 });
    advanceTime(DAY + 1000);
    const list = await listKeys(token);
    expect(list.json.api_keys).toMatchObject([{ is_active: false }]);
  });

  it("refuses the keys of a deactivated user (W5)", async () => {
    enableApiKeys();
    const user = await makeUser();
    const key = await createKey(await accessTokenFor(user));
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const res = await meWithKey(key.api_key);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("api_key_invalid");
    await db.user.update({ where: { id: user.id }, data: { isActive: true } });
    expect((await meWithKey(key.api_key)).status).toBe(200);
  });

  it("ignores an API key header while the feature is off", async () => {
    enableApiKeys();
    const key = await createKey(await accessTokenFor(await makeUser()));
    overrideSettings({ apiKeys: { enabled: false } });
    const res = await meWithKey(key.api_key);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      code: "not_authenticated",
      detail: "Authentication credentials were not provided.",
    });
  });

  it("writes last_used_at at most once a minute per key", async () => {
    enableApiKeys();
    freezeTime();
    const t0 = Date.now();
    const key = await createKey(await accessTokenFor(await makeUser()));
    const lastUsed = async () =>
      (await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt?.getTime() ?? null;
    expect(await lastUsed()).toBeNull();

    await meWithKey(key.api_key);
    expect(await lastUsed()).toBe(t0);
    advanceTime(30_000);
    await meWithKey(key.api_key);
    await meWithKey(key.api_key);
    expect(await lastUsed()).toBe(t0);
    advanceTime(31_000);
    await meWithKey(key.api_key);
    expect(await lastUsed()).toBe(t0 + 61_000);
  });
});
