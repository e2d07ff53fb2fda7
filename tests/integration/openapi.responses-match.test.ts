import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as backupRegenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as passkeyCredential from "@/app/api/auth/2fa/passkey/credentials/[id]/route";
import * as passkeyCredentials from "@/app/api/auth/2fa/passkey/credentials/route";
import * as passkeyOptions from "@/app/api/auth/2fa/passkey/options/route";
import * as passkeySetup from "@/app/api/auth/2fa/passkey/setup/route";
import * as passkeyVerify from "@/app/api/auth/2fa/passkey/verify/route";
import * as status from "@/app/api/auth/2fa/status/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as login from "@/app/api/auth/login/route";
import * as logout from "@/app/api/auth/logout/route";
import * as passwordlessOptions from "@/app/api/auth/passkey/login/options/route";
import * as passwordless from "@/app/api/auth/passkey/login/route";
import * as register from "@/app/api/auth/register/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as token from "@/app/api/auth/token/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as verify from "@/app/api/auth/verify/route";
import * as docsAsset from "@/app/api/docs/[asset]/route";
import * as docs from "@/app/api/docs/route";
import * as health from "@/app/api/health/route";
import * as me from "@/app/api/me/route";
import * as openapi from "@/app/api/openapi.json/route";
import * as whoami from "@/app/api/whoami/route";
import * as oauthCallback from "@/app/api/auth/oauth/callback/route";
import * as oauthProviderLogin from "@/app/api/auth/oauth/[provider]/login/route";
import * as oauthProviders from "@/app/api/auth/oauth/providers/route";
import * as passwordChange from "@/app/api/auth/password/change/route";
import * as passwordForgot from "@/app/api/auth/password/forgot/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import * as reauthenticate from "@/app/api/auth/reauthenticate/route";
import * as sessionOne from "@/app/api/auth/sessions/[id]/route";
import * as sessions from "@/app/api/auth/sessions/route";
import { ERRORS } from "@/lib/auth/errors";
import { type ApiOperation, apiOperations, buildOpenApiDocument } from "@/lib/openapi/document";
import * as cronCleanup from "@/app/api/cron/cleanup/route";
import { ErrorBody } from "@/lib/openapi/responses";
import { apiKeyAuth, createKey, enableApiKeys, listKeys, revokeKey } from "../helpers/api-keys";
import { call, newClient, type CallOptions } from "../helpers/http";
import { newAuthenticator } from "../helpers/passkeys";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor, advanceTime, enrollTotp, freezeTime, passwordLogin, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

type Answer = { status: number; json: Record<string, unknown>; text: string };
type Method = ApiOperation["method"];
type Handler = Parameters<typeof call>[0];

/**
 * Calls a route and checks its answer against the OpenAPI description: a documented success
 * schema (strict: no missing or extra keys), or an ErrorBody whose `code` is listed for that
 * operation and status.
 */
async function documented(
  method: Method,
  path: string,
  handler: Handler,
  options: CallOptions & { url?: string } = {},
): Promise<Answer> {
  const op = apiOperations().find((o) => o.method === method && o.path === path);
  if (!op) throw new Error(`${method} ${path} is not declared by a route in lib/openapi/api-routes.ts`);
  const res = await call(handler, method.toUpperCase(), options.url ?? path, options);
  const response = op.responses[res.status];
  const codes = op.allErrors.filter((c) => ERRORS[c].status === res.status);
  const label = `${method.toUpperCase()} ${path} → ${res.status} ${res.text.slice(0, 300)}`;
  let schemas: z.ZodType[];
  if (response?.body) schemas = Array.isArray(response.body) ? response.body : [response.body];
  else if (codes.length > 0) {
    schemas = [ErrorBody];
    expect(codes, `${label}: code not documented for this status`).toContain(res.json.code);
  } else throw new Error(`${label}: status not documented`);
  const failures = schemas.map((s) => s.safeParse(res.json)).filter((r) => !r.success);
  expect(failures.length < schemas.length, `${label}: ${failures.map((f) => f.error?.message).join(" | ")}`).toBe(true);
  return res;
}

describe("real answers match the OpenAPI description", () => {
  it("sign-up, password sign-in, SimpleJWT tokens, profile and logout", async () => {
    overrideSettings({ signupEnabled: true });
    const client = newClient();
    const created = await documented("post", "/api/auth/register", register.POST, {
      client,
      body: { username: "contract1", email: "c1@example.com", password: "a long and unusual pass" },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await documented("post", "/api/auth/register", register.POST, {
          body: { username: "contract1", email: "c1@example.com", password: "a long and unusual pass" },
        })
      ).status,
    ).toBe(400);
    expect((await documented("post", "/api/auth/login", login.POST, { body: { username: "contract1" } })).status).toBe(
      400,
    );
    expect(
      (
        await documented("post", "/api/auth/login", login.POST, {
          body: { username: "contract1", password: "wrong password!" },
        })
      ).status,
    ).toBe(401);

    const signedIn = await documented("post", "/api/auth/login", login.POST, {
      client,
      body: { username: "contract1", password: "a long and unusual pass" },
    });
    const access = signedIn.json.access_token as string;
    const pair = await documented("post", "/api/auth/token", token.POST, {
      body: { username: "contract1", password: "a long and unusual pass" },
    });
    expect(pair.status).toBe(200);
    expect((await documented("post", "/api/auth/token", token.POST, { body: { username: "contract1" } })).status).toBe(
      401,
    );
    const rotated = await documented("post", "/api/auth/token/refresh", refresh.POST, {
      body: { refresh: pair.json.refresh },
    });
    expect(rotated.status).toBe(200);
    expect(
      (await documented("post", "/api/auth/token/refresh", refresh.POST, { body: { refresh: pair.json.refresh } }))
        .status,
    ).toBe(401);
    expect(
      (await documented("post", "/api/auth/token/verify", tokenVerify.POST, { body: { token: access } })).status,
    ).toBe(200);

    expect((await documented("get", "/api/me", me.GET, { token: access })).status).toBe(200);
    expect((await documented("get", "/api/me", me.GET, {})).status).toBe(401);
    expect((await documented("get", "/api/whoami", whoami.GET, { token: access })).status).toBe(200);
    expect((await documented("get", "/api/auth/2fa/status", status.GET, { token: access })).status).toBe(200);
    expect((await documented("get", "/api/health", health.GET)).status).toBe(200);
    expect(
      (await documented("post", "/api/auth/logout", logout.POST, { body: { refresh: signedIn.json.refresh_token } }))
        .status,
    ).toBe(200);
  });

  it("second factor: challenge, SimpleJWT 401 challenge, backup code, regenerate and disable", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes } = await enrollTotp(user);
    // Pending logins are bound to the client that started them.
    const client = newClient();
    const challenge = await documented("post", "/api/auth/login", login.POST, {
      client,
      body: { username: user.username, password: user.password },
    });
    expect(challenge.json.requires_2fa).toBe(true);
    expect(
      (
        await documented("post", "/api/auth/token", token.POST, {
          body: { username: user.username, password: user.password },
        })
      ).status,
    ).toBe(401);
    const wrong = await documented("post", "/api/auth/verify", verify.POST, {
      client,
      body: { session_id: challenge.json.session_id, totp_token: "000000" },
    });
    expect(wrong.status).toBe(401);

    const second = await passwordLogin(user, client);
    const viaTotp = await documented("post", "/api/auth/token/verify", tokenVerify.POST, {
      client,
      body: { session_id: second.json.session_id, totp_token: await totpNow(secret) },
    });
    expect(viaTotp.status).toBe(200);
    const third = await passwordLogin(user, client);
    const viaBackup = await documented("post", "/api/auth/2fa/verify/backup", verifyBackup.POST, {
      client,
      body: { session_id: third.json.session_id, backup_code: backupCodes[0] },
    });
    expect(viaBackup.status).toBe(200);
    const access = viaBackup.json.access_token as string;

    // Past the step-up window a proof is needed.
    advanceTime(11 * 60_000);
    expect(
      (
        await documented("post", "/api/auth/2fa/backup-codes/regenerate", backupRegenerate.POST, {
          token: access,
          body: {},
        })
      ).status,
    ).toBe(403);
    // An account with a second factor steps up with one: the password is refused, a backup code works.
    expect(
      (
        await documented("post", "/api/auth/2fa/backup-codes/regenerate", backupRegenerate.POST, {
          token: access,
          body: { password: user.password },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await documented("post", "/api/auth/2fa/backup-codes/regenerate", backupRegenerate.POST, {
          token: access,
          body: { backup_code: backupCodes[1] },
        })
      ).status,
    ).toBe(200);
    expect((await documented("post", "/api/auth/2fa/disable", disable.POST, { token: access, body: {} })).status).toBe(
      200,
    );
  });

  it("passkeys: registration, listing, renaming, the login step and passwordless options", async () => {
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const authenticator = newAuthenticator();
    const options = await documented("post", "/api/auth/2fa/passkey/setup", passkeySetup.POST, { token: access });
    const registered = await documented("post", "/api/auth/2fa/passkey/verify", passkeyVerify.POST, {
      token: access,
      body: {
        session_id: options.json.session_id,
        passkey_response: authenticator.register(options.json.options as never),
      },
    });
    expect(registered.status).toBe(200);
    const list = await documented("get", "/api/auth/2fa/passkey/credentials", passkeyCredentials.GET, {
      token: access,
    });
    expect(list.json).toHaveLength(1);
    const id = String((registered.json.credential as { id: number }).id);
    const renamed = await documented(
      "patch",
      "/api/auth/2fa/passkey/credentials/{id}",
      passkeyCredential.PATCH as Handler,
      {
        url: `/api/auth/2fa/passkey/credentials/${id}`,
        params: { id },
        token: access,
        body: { name: "Laptop" },
      },
    );
    expect(renamed.status).toBe(200);

    const client = newClient();
    const pending = await passwordLogin(user, client);
    expect(
      (
        await documented("post", "/api/auth/2fa/passkey/options", passkeyOptions.POST, {
          client,
          body: { session_id: pending.json.session_id },
        })
      ).status,
    ).toBe(200);
    expect((await documented("post", "/api/auth/passkey/login/options", passwordlessOptions.POST)).status).toBe(200);
    expect(
      (
        await documented("post", "/api/auth/passkey/login", passwordless.POST, {
          body: { session_id: "nope", passkey_response: {} },
        })
      ).status,
    ).toBe(400);
  });

  it("API keys: create, list, authenticate, refuse on session-only endpoints, revoke", async () => {
    enableApiKeys();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const created = await documented(
      "post",
      "/api/auth/api-keys",
      (await import("@/app/api/auth/api-keys/route")).POST,
      { token: access, body: { name: "ci", password: user.password } },
    );
    expect(created.status).toBe(201);
    const key = created.json.api_key as string;
    const listed = await listKeys(access);
    expect(
      (
        await documented("get", "/api/auth/api-keys", (await import("@/app/api/auth/api-keys/route")).GET, {
          token: access,
        })
      ).json,
    ).toEqual(listed.json);
    expect(
      (await documented("get", "/api/whoami", whoami.GET, { headers: apiKeyAuth(key) })).json.authenticated_with,
    ).toBe("api_key");
    expect((await documented("get", "/api/me", me.GET, { headers: apiKeyAuth(key) })).status).toBe(200);
    expect(
      (
        await documented("get", "/api/auth/2fa/passkey/credentials", passkeyCredentials.GET, {
          headers: apiKeyAuth(key),
        })
      ).status,
    ).toBe(403);
    const other = await createKey(access, { name: "other", password: user.password });
    const revoked = await revokeKey(other.id, { token: access });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({ message: "API key revoked" });
  });

  it("account center: sessions, step-up, password change and reset, social sign-in switched off", async () => {
    freezeTime();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    await accessTokenFor(user);
    const listed = await documented("get", "/api/auth/sessions", sessions.GET, { token: access });
    const list = listed.json.sessions as { id: string; current: boolean }[];
    expect(list).toHaveLength(2);
    const other = list.find((x) => !x.current);
    const one = await documented("delete", "/api/auth/sessions/{id}", sessionOne.DELETE as Handler, {
      url: `/api/auth/sessions/${other?.id}`,
      params: { id: other?.id ?? "" },
      token: access,
    });
    expect(one.status).toBe(200);
    const missing = await documented("delete", "/api/auth/sessions/{id}", sessionOne.DELETE as Handler, {
      url: "/api/auth/sessions/nope",
      params: { id: "nope" },
      token: access,
    });
    expect(missing.status).toBe(404);
    expect((await documented("delete", "/api/auth/sessions", sessions.DELETE, { token: access })).status).toBe(200);

    advanceTime(11 * 60_000);
    // The current password is required (400 current_password_required), and is itself the step-up proof here.
    expect(
      (
        await documented("post", "/api/auth/password/change", passwordChange.POST, {
          token: access,
          body: { new_password: "another unusual pass" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await documented("post", "/api/auth/reauthenticate", reauthenticate.POST, {
          token: access,
          body: { password: "wrong password" },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await documented("post", "/api/auth/reauthenticate", reauthenticate.POST, {
          token: access,
          body: { password: user.password },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await documented("post", "/api/auth/password/change", passwordChange.POST, {
          token: access,
          body: { password: user.password, new_password: "short" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await documented("post", "/api/auth/password/change", passwordChange.POST, {
          token: access,
          body: { password: user.password, new_password: "another unusual pass" },
        })
      ).status,
    ).toBe(200);

    // An unknown address answers the same, and starts no background mail that would outlive the test.
    expect(
      (
        await documented("post", "/api/auth/password/forgot", passwordForgot.POST, {
          body: { email: "nobody@example.com" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await documented("post", "/api/auth/password/reset", passwordReset.POST, {
          body: { token: "not-a-token", new_password: "a third unusual pass" },
        })
      ).status,
    ).toBe(400);

    overrideSettings({ socialAuth: { enabled: false } });
    expect((await documented("get", "/api/auth/oauth/providers", oauthProviders.GET)).status).toBe(403);
    const provider = await documented("get", "/api/auth/oauth/{provider}/login", oauthProviderLogin.GET as Handler, {
      url: "/api/auth/oauth/github/login",
      params: { provider: "github" },
    });
    expect(provider.status).toBe(403);
    expect((await documented("post", "/api/auth/oauth/callback", oauthCallback.POST)).status).toBe(403);
  });

  it("the cron cleanup route: 404 while unset, 401 with a wrong secret, 200 with the right one", async () => {
    const post = (authorization: string) =>
      documented("post", "/api/cron/cleanup", cronCleanup.POST, { headers: { authorization } });
    const secret = "a-cron-secret-of-at-least-32-characters";
    expect((await post(`Bearer ${secret}`)).status).toBe(404);
    overrideSettings({ cleanup: { cronSecret: secret } });
    expect((await post("Bearer wrong")).status).toBe(401);
    expect((await post(`Bearer ${secret}`)).json.ran).toBe(true);
  });

  it("the description and the docs are served, from this app only", async () => {
    const doc = await documented("get", "/api/openapi.json", openapi.GET);
    expect(doc.json).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));

    const page = await call(docs.GET, "GET", "/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const src of page.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const asset = (src[1] ?? "").replace(/^docs\//, "");
      const res = await call(docsAsset.GET as Handler, "GET", `/api/docs/${asset}`, { params: { asset } });
      expect(res.status, asset).toBe(200);
      expect(res.text.length, asset).toBeGreaterThan(asset === "docs.js" ? 100 : 10_000);
    }
    const init = await call(docsAsset.GET as Handler, "GET", "/api/docs/docs.js", { params: { asset: "docs.js" } });
    expect(init.text).toContain("validatorUrl: null");

    for (const asset of [
      "package.json",
      "../package.json",
      "index.html",
      "swagger-ui-bundle.js.map",
      "constructor",
      "__proto__",
    ]) {
      const res = await documented("get", "/api/docs/{asset}", docsAsset.GET as Handler, {
        url: `/api/docs/${encodeURIComponent(asset)}`,
        params: { asset },
      });
      expect(res.status, asset).toBe(404);
    }
  });
});
