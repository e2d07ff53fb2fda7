import { describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as status from "@/app/api/auth/2fa/status/route";
import * as login from "@/app/api/auth/login/route";
import * as verify from "@/app/api/auth/verify/route";
import * as token from "@/app/api/auth/token/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import * as me from "@/app/api/me/route";
import * as passkeySetup from "@/app/api/auth/2fa/passkey/setup/route";
import * as passkeyVerify from "@/app/api/auth/2fa/passkey/verify/route";
import * as passkeyList from "@/app/api/auth/2fa/passkey/credentials/route";
import * as passkeyRename from "@/app/api/auth/2fa/passkey/credentials/[id]/route";
import * as passkeyRemove from "@/app/api/auth/2fa/passkey/remove/route";
import * as passkeyOptions from "@/app/api/auth/2fa/passkey/options/route";
import * as passkeyLoginOptions from "@/app/api/auth/passkey/login/options/route";
import * as passkeyLogin from "@/app/api/auth/passkey/login/route";
import * as loginSetupPasskey from "@/app/api/auth/login/setup/passkey/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyPasskey from "@/app/api/auth/login/verify/passkey/route";
import { snapshotCounts } from "../helpers/db";
import { call } from "../helpers/http";
import { accessTokenFor, passwordLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { apiKeyAuth, createKey, enableApiKeys, revokeKey, withIdParam } from "../helpers/api-keys";

type Handler = Parameters<typeof call>[0];

describe("where API keys may not act (W4)", () => {
  it("refuses a valid key with 403 on key management, 2FA changes and token endpoints, and changes nothing", async () => {
    enableApiKeys();
    const user = await makeUser();
    const session = await passwordLogin(user);
    const access = session.json.access_token as string;
    const refreshToken = session.json.refresh_token as string;
    const key = await createKey(access);
    const headers = apiKeyAuth(key.api_key);
    const credentials = { username: user.username, password: user.password };

    const pending = { session_id: "00000000-0000-0000-0000-000000000000" };
    const refused: [string, Handler, string, Record<string, unknown>][] = [
      ["GET", apiKeys.GET, "/api/auth/api-keys", {}],
      ["POST", apiKeys.POST, "/api/auth/api-keys", { name: "minted by a key", password: user.password }],
      ["POST", setupTotp.POST, "/api/auth/2fa/setup/totp", {}],
      ["POST", verifyTotp.POST, "/api/auth/2fa/verify/totp", { totp_token: "123456" }],
      ["POST", disable.POST, "/api/auth/2fa/disable", { password: user.password }],
      ["POST", regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", { password: user.password }],
      ["POST", login.POST, "/api/auth/login", credentials],
      ["POST", token.POST, "/api/auth/token", credentials],
      ["POST", refresh.POST, "/api/auth/token/refresh", { refresh: refreshToken }],
      ["POST", tokenVerify.POST, "/api/auth/token/verify", { token: access }],
      [
        "POST",
        verify.POST,
        "/api/auth/verify",
        { session_id: "00000000-0000-0000-0000-000000000000", totp_token: "123456" },
      ],
      [
        "POST",
        verifyBackup.POST,
        "/api/auth/2fa/verify/backup",
        { session_id: "00000000-0000-0000-0000-000000000000", backup_code: "ABCDEFGHJK" },
      ],
      [
        "POST",
        loginVerifyTotp.POST,
        "/api/auth/login/verify/totp",
        { session_id: "00000000-0000-0000-0000-000000000000", totp_token: "123456" },
      ],
      ["POST", passkeySetup.POST, "/api/auth/2fa/passkey/setup", {}],
      ["POST", passkeyVerify.POST, "/api/auth/2fa/passkey/verify", { passkey_response: {} }],
      ["GET", passkeyList.GET, "/api/auth/2fa/passkey/credentials", {}],
      ["PATCH", withIdParam(passkeyRename.PATCH), "/api/auth/2fa/passkey/credentials/1", { name: "renamed by a key" }],
      ["DELETE", passkeyRemove.DELETE, "/api/auth/2fa/passkey/remove?credential_id=AAAA", { password: user.password }],
      ["POST", passkeyOptions.POST, "/api/auth/2fa/passkey/options", pending],
      ["POST", passkeyLoginOptions.POST, "/api/auth/passkey/login/options", {}],
      ["POST", passkeyLogin.POST, "/api/auth/passkey/login", { passkey_response: {} }],
      ["POST", loginSetupPasskey.POST, "/api/auth/login/setup/passkey", pending],
      ["POST", loginSetupTotp.POST, "/api/auth/login/setup/totp", pending],
      ["POST", loginVerifyPasskey.POST, "/api/auth/login/verify/passkey", { ...pending, passkey_response: {} }],
    ];
    const before = await snapshotCounts();
    for (const [method, handler, path, body] of refused) {
      const [pathname = path, search = ""] = path.split("?");
      const query = Object.fromEntries(new URLSearchParams(search));
      const res = await call(handler, method, pathname, {
        headers,
        query,
        params: { id: "1" },
        body: method === "GET" ? undefined : body,
      });
      expect(res.status, path).toBe(403);
      expect(res.json, path).toEqual({
        error: "API keys cannot be used for this endpoint; sign in with a password",
        code: "api_key_not_allowed",
      });
    }
    const revoke = await revokeKey(key.id, { headers });
    expect(revoke.status).toBe(403);
    expect(revoke.json.code).toBe("api_key_not_allowed");
    expect(await snapshotCounts()).toEqual(before);

    // The key still works where keys belong, and the refresh token was not spent.
    expect((await call(me.GET, "GET", "/api/me", { headers })).status).toBe(200);
    expect((await call(status.GET, "GET", "/api/auth/2fa/status", { headers })).status).toBe(200);
    expect(
      (await call(refresh.POST, "POST", "/api/auth/token/refresh", { body: { refresh: refreshToken } })).status,
    ).toBe(200);
  });

  it("answers an invalid key on those endpoints with 401, not 403", async () => {
    enableApiKeys();
    const access = await accessTokenFor(await makeUser());
    const key = await createKey(access);
    await revokeKey(key.id, { token: access });
    const res = await call(disable.POST, "POST", "/api/auth/2fa/disable", {
      headers: apiKeyAuth(key.api_key),
      body: {},
    });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("api_key_invalid");
  });
});
