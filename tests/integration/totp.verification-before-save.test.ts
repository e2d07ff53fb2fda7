import { describe, expect, it } from "vitest";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import * as status from "@/app/api/auth/2fa/status/route";
import { generateTotpSecret, totpCodeAt } from "@/lib/auth/two-factor/totp";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { snapshotCounts } from "../helpers/db";
import { accessTokenFor, advanceTime, freezeTime, passwordLogin, STEP_MS, totpNow } from "../helpers/two-factor";

async function startSetup() {
  const user = await makeUser();
  const client = newClient();
  const access = await accessTokenFor(user, client);
  const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
  return { user, client, access, setup };
}

const confirm = (ctx: { client: ReturnType<typeof newClient>; access: string }, body: Record<string, unknown>) =>
  call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", { client: ctx.client, token: ctx.access, body });

describe("TOTP setup: verification before save", () => {
  it("setup answers secret, PNG QR code and provisioning URI, and enables nothing", async () => {
    freezeTime();
    const { user, setup, access, client } = await startSetup();
    expect(setup.status).toBe(200);
    expect(Object.keys(setup.json).sort()).toEqual(["provisioning_uri", "qr_code", "secret"]);
    const secret = setup.json.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const png = Buffer.from(setup.json.qr_code as string, "base64");
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const uri = new URL(setup.json.provisioning_uri as string);
    expect(`${uri.protocol}//${uri.host}`).toBe("otpauth://totp");
    expect(decodeURIComponent(uri.pathname)).toBe(`/${settings.totpIssuer}:${user.email}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret,
      issuer: settings.totpIssuer,
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });

    const st = await call(status.GET, "GET", "/api/auth/2fa/status", { client, token: access });
    expect(st.json).toMatchObject({ is_enabled: false, totp_enabled: false, backup_codes_remaining: 0 });
    const device = await db.totpDevice.findUnique({ where: { userId: user.id } });
    expect(device?.secretEncrypted).toBeNull();
    expect(device?.pendingSecretEncrypted).toBeTruthy();
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);
    // Still a password-only account: sign-in gives tokens straight away.
    expect((await passwordLogin(user)).json.requires_2fa).toBe(false);
  });

  it("the issuer comes from LOKDOWN_TOTP_ISSUER when set", async () => {
    freezeTime();
    overrideSettings({ totpIssuer: "Example Corp" });
    const { setup } = await startSetup();
    const uri = new URL(setup.json.provisioning_uri as string);
    expect(uri.searchParams.get("issuer")).toBe("Example Corp");
    expect(decodeURIComponent(uri.pathname).startsWith("/Example Corp:")).toBe(true);
  });

  it("a right code enables TOTP and returns BACKUP_CODES_COUNT backup codes", async () => {
    freezeTime();
    const ctx = await startSetup();
    const res = await confirm(ctx, { totp_token: await totpNow(ctx.setup.json.secret as string) });
    expect(res.status).toBe(200);
    expect(res.json.message).toBe("TOTP setup verified successfully");
    const codes = res.json.backup_codes as string[];
    expect(codes).toHaveLength(8);
    for (const code of codes) expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
    const st = await call(status.GET, "GET", "/api/auth/2fa/status", { client: ctx.client, token: ctx.access });
    expect(st.json).toMatchObject({ is_enabled: true, totp_enabled: true, backup_codes_remaining: 8 });
    expect((await passwordLogin(ctx.user)).json.requires_2fa).toBe(true);
  });

  it("a wrong code is 401 and enables nothing", async () => {
    freezeTime();
    const ctx = await startSetup();
    const right = await totpNow(ctx.setup.json.secret as string);
    const before = await snapshotCounts();
    const res = await confirm(ctx, { totp_token: right === "000000" ? "999999" : "000000" });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Invalid TOTP token", code: "invalid_totp" });
    expect(await snapshotCounts()).toEqual(before);
    expect((await db.totpDevice.findUnique({ where: { userId: ctx.user.id } }))?.secretEncrypted).toBeNull();
  });

  it("ignores a secret sent by the client: only the server's pending secret counts", async () => {
    freezeTime();
    const ctx = await startSetup();
    const attackerSecret = generateTotpSecret();
    const attackerCode = await totpCodeAt(attackerSecret, new Date());
    const own = await Promise.all([-1, 0, 1].map((o) => totpNow(ctx.setup.json.secret as string, o)));
    expect(own).not.toContain(attackerCode);
    const res = await confirm(ctx, { totp_token: attackerCode, secret: attackerSecret });
    expect(res.status).toBe(401);
    const ok = await confirm(ctx, {
      totp_token: await totpNow(ctx.setup.json.secret as string),
      secret: attackerSecret,
    });
    expect(ok.status).toBe(200);
  });

  it("each setup call replaces the pending secret", async () => {
    freezeTime();
    const ctx = await startSetup();
    const first = ctx.setup.json.secret as string;
    const again = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", {
      client: ctx.client,
      token: ctx.access,
    });
    const second = again.json.secret as string;
    expect(second).not.toBe(first);
    const firstCode = await totpNow(first);
    const secondCodes = await Promise.all([-1, 0, 1].map((o) => totpNow(second, o)));
    expect(secondCodes).not.toContain(firstCode);
    expect((await confirm(ctx, { totp_token: firstCode })).status).toBe(401);
    expect((await confirm(ctx, { totp_token: await totpNow(second) })).status).toBe(200);
  });

  it("the pending secret expires after 15 minutes", async () => {
    freezeTime();
    const ctx = await startSetup();
    const secret = ctx.setup.json.secret as string;
    advanceTime(15 * 60_000 + 1_000);
    // The first access token has expired too (15 minutes); sign in again.
    const access = await accessTokenFor(ctx.user, ctx.client);
    const res = await confirm({ client: ctx.client, access }, { totp_token: await totpNow(secret) });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "No pending TOTP setup found", code: "totp_no_pending_setup" });
  });

  it("the pending secret still works just before 15 minutes", async () => {
    freezeTime();
    // About the pending secret's lifetime: keep the session's step-up window (policy totp.add) open that long.
    overrideSettings({ stepUpMinutes: 20 });
    const ctx = await startSetup();
    const secret = ctx.setup.json.secret as string;
    advanceTime(14 * 60_000 + 50_000);
    expect((await confirm(ctx, { totp_token: await totpNow(secret) })).status).toBe(200);
  });

  it("verify without a setup is 400 No pending TOTP setup found", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    const res = await confirm({ client, access }, { totp_token: "123456" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "No pending TOTP setup found", code: "totp_no_pending_setup" });
  });

  it("once enabled, setup and verify answer 400 TOTP is already enabled, and the secret is kept", async () => {
    freezeTime();
    const ctx = await startSetup();
    const secret = ctx.setup.json.secret as string;
    expect((await confirm(ctx, { totp_token: await totpNow(secret) })).status).toBe(200);
    const stored = await db.totpDevice.findUnique({ where: { userId: ctx.user.id } });
    advanceTime(STEP_MS);
    const again = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", {
      client: ctx.client,
      token: ctx.access,
    });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: "TOTP is already enabled", code: "totp_already_enabled" });
    const reconfirm = await confirm(ctx, { totp_token: await totpNow(secret) });
    expect(reconfirm.status).toBe(400);
    expect(reconfirm.json.code).toBe("totp_already_enabled");
    const after = await db.totpDevice.findUnique({ where: { userId: ctx.user.id } });
    expect(after?.secretEncrypted).toBe(stored?.secretEncrypted);
    expect(await db.backupCode.count({ where: { userId: ctx.user.id } })).toBe(8);
  });

  it("concurrent confirmations enable TOTP once, with one set of backup codes (W17)", async () => {
    freezeTime();
    const ctx = await startSetup();
    const code = await totpNow(ctx.setup.json.secret as string);
    const results = await Promise.all(Array.from({ length: 5 }, () => confirm(ctx, { totp_token: code })));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expect(r.json.code).toBe("totp_already_enabled");
    const stored = await db.backupCode.count({ where: { userId: ctx.user.id } });
    expect(stored).toBe((winners[0]?.json.backup_codes as string[]).length);
  });

  it("a missing or blank totp_token is a 400 field error", async () => {
    freezeTime();
    const ctx = await startSetup();
    const missing = await confirm(ctx, {});
    expect(missing.status).toBe(400);
    expect(missing.json.totp_token).toEqual(["This field is required."]);
    const blank = await confirm(ctx, { totp_token: " " });
    expect(blank.status).toBe(400);
    expect(blank.json.totp_token).toEqual(["This field may not be blank."]);
    const wrongType = await confirm(ctx, { totp_token: 123456 });
    expect(wrongType.status).toBe(400);
  });

  it("both endpoints need a signed-in user", async () => {
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", {});
    expect(setup.status).toBe(401);
    expect(setup.json.code).toBe("not_authenticated");
    const verify = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      body: { totp_token: "123456" },
      token: "not-a-jwt",
    });
    expect(verify.status).toBe(401);
    expect(verify.json.code).toBe("token_not_valid");
  });
});

describe("LOKDOWN_TOTP_ENABLED off", () => {
  it("setup and verify answer 403 TOTP support is disabled and change nothing", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    overrideSettings({ totpEnabled: false });
    const before = await snapshotCounts();
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    expect(setup.status).toBe(403);
    expect(setup.json).toEqual({ error: "TOTP support is disabled", code: "totp_disabled" });
    const verify = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: "123456" },
    });
    expect(verify.status).toBe(403);
    expect(verify.json).toEqual({ error: "TOTP support is disabled", code: "totp_disabled" });
    expect(await snapshotCounts()).toEqual(before);
    const st = await call(status.GET, "GET", "/api/auth/2fa/status", { client, token: access });
    expect(st.json.totp_available).toBe(false);
  });

  it("a setup started before the switch went off cannot be finished", async () => {
    freezeTime();
    const ctx = await startSetup();
    overrideSettings({ totpEnabled: false });
    const res = await confirm(ctx, { totp_token: await totpNow(ctx.setup.json.secret as string) });
    expect(res.status).toBe(403);
    expect((await db.totpDevice.findUnique({ where: { userId: ctx.user.id } }))?.secretEncrypted).toBeNull();
  });
});
