import { expect } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as setup from "@/app/api/auth/2fa/passkey/setup/route";
import * as verify from "@/app/api/auth/2fa/passkey/verify/route";
import * as options from "@/app/api/auth/2fa/passkey/options/route";
import { settings } from "@/lib/env";
import { call, newClient, type Client } from "./http";
import { SoftwareAuthenticator } from "./software-authenticator";

type Json = Record<string, unknown>;
export type RegistrationOptions = {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string };
  [key: string]: unknown;
};
export type RequestOptions = { challenge: string; rpId: string; [key: string]: unknown };

export const ICLOUD_KEYCHAIN = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";

export function newAuthenticator(aaguid?: string, synced = false): SoftwareAuthenticator {
  return new SoftwareAuthenticator(settings.webauthn.origins[0] ?? "http://localhost:3000", aaguid, synced);
}

/** Password sign-in for a user without 2FA; returns the access token. */
export async function accessTokenFor(
  user: { username: string; password: string },
  client: Client = newClient(),
): Promise<string> {
  const res = await call(login.POST, "POST", "/api/auth/login", {
    client,
    body: { username: user.username, password: user.password },
  });
  expect(res.status).toBe(200);
  return res.json.access_token as string;
}

export async function beginRegistration(
  token: string,
  client: Client = newClient(),
): Promise<{ sessionId: string; options: RegistrationOptions }> {
  const res = await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", { client, token });
  expect(res.status).toBe(200);
  return { sessionId: res.json.session_id as string, options: res.json.options as RegistrationOptions };
}

/** Registers a new credential of `authenticator` on the account behind `token`. */
export async function addPasskey(token: string, authenticator: SoftwareAuthenticator, name?: string): Promise<Json> {
  const client = newClient();
  const begun = await beginRegistration(token, client);
  const res = await call(verify.POST, "POST", "/api/auth/2fa/passkey/verify", {
    client,
    token,
    body: {
      session_id: begun.sessionId,
      passkey_response: authenticator.register(begun.options),
      ...(name ? { name } : {}),
    },
  });
  expect(res.status).toBe(200);
  return res.json.credential as Json;
}

/** Password step of a login that needs a second factor; returns the pending session id. */
export async function pendingLogin(user: { username: string; password: string }, client: Client): Promise<Json> {
  const res = await call(login.POST, "POST", "/api/auth/login", {
    client,
    body: { username: user.username, password: user.password },
  });
  expect(res.status).toBe(200);
  expect(res.json.requires_2fa).toBe(true);
  return res.json;
}

export async function loginOptions(sessionId: string, client: Client): Promise<RequestOptions> {
  const res = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
    client,
    body: { session_id: sessionId },
  });
  expect(res.status).toBe(200);
  return res.json.options as RequestOptions;
}
