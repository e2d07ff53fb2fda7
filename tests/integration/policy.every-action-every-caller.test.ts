import { describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as passkeySetup from "@/app/api/auth/2fa/passkey/setup/route";
import * as passkeyRemove from "@/app/api/auth/2fa/passkey/remove/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as apiKey from "@/app/api/auth/api-keys/[id]/route";
import * as passwordChange from "@/app/api/auth/password/change/route";
import * as sessions from "@/app/api/auth/sessions/route";
import * as securityActions from "@/app/(account)/account/security/actions";
import * as passkeyActions from "@/app/(account)/account/security/passkey-actions";
import * as apiKeyActions from "@/app/(account)/account/api-keys/actions";
import * as profileActions from "@/app/(account)/account/profile/actions";
import * as sessionActions from "@/app/(account)/account/sessions/actions";
import * as connectionActions from "@/app/(account)/account/connections/actions";
import * as adminApiKeyActions from "@/app/admin/api-keys/actions";
import * as adminUserActions from "@/app/admin/users/actions";
import * as adminProviderActions from "@/app/admin/oauth-providers/actions";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { AMR } from "@/lib/auth/policy/amr";
import { POLICY, POLICY_ACTIONS, type PolicyAction, type PolicyRule } from "@/lib/auth/policy/assurance-policy";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { authenticateApiKey, generateApiKey, hashApiKeySecret } from "@/lib/auth/api-access/api-keys";
import { call, newClient } from "../helpers/http";
import { snapshotContents } from "../helpers/db-digest";
import { newRequest, outcome } from "../helpers/next-request";
import { signInBrowser } from "../helpers/admin";
import { enableApiKeys, withIdParam } from "../helpers/api-keys";
import { overrideSettings } from "../helpers/settings";
import { givePasskey, giveBackupCodes } from "../helpers/security-seed";
import { makeUser, PASSWORD } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Generated from lib/auth/policy/assurance-policy.ts: every action of the table × every kind of caller, through the
 * JSON API and the server actions. The expected answer is derived from the rule's columns (not by
 * calling the policy), and a refusal must leave every table as it was.
 */

type Persona = {
  name: string;
  signedIn: boolean;
  apiKey?: boolean;
  staff?: boolean;
  /** The account has a second factor (two passkeys and backup codes). */
  has2fa?: boolean;
  /** How this session signed in. */
  amr?: string[];
  /** Every proof of this session is older than LOKDOWN_STEP_UP_MINUTES. */
  stale?: boolean;
};

const PWD = [AMR.password];
const MFA = [AMR.password, AMR.passkey, AMR.multiFactor];

const PERSONAS: Persona[] = [
  { name: "no session", signedIn: false },
  { name: "fresh AAL1", signedIn: true, amr: PWD },
  { name: "stale AAL1", signedIn: true, amr: PWD, stale: true },
  { name: "AAL1 via trusted browser", signedIn: true, has2fa: true, amr: [AMR.password, AMR.trustedDevice] },
  { name: "fresh AAL2", signedIn: true, has2fa: true, amr: MFA },
  { name: "stale AAL2", signedIn: true, has2fa: true, amr: MFA, stale: true },
  { name: "API key", signedIn: true, apiKey: true },
  { name: "staff without AAL2", signedIn: true, staff: true, has2fa: true, amr: PWD },
  { name: "staff with AAL2", signedIn: true, staff: true, has2fa: true, amr: MFA },
];

/** What the rule's columns say this persona gets: "ok" or the refusal's code. */
function expectedByPolicy(rule: PolicyRule, p: Persona): string {
  if (!p.signedIn) return "not_authenticated";
  if (p.apiKey) return "api_key_not_allowed";
  const aal2 = (p.amr ?? []).includes(AMR.passkey);
  if (rule.who === "staff" && !p.staff) return "not_authorized_for_user";
  if (rule.who === "staff" && !aal2) return "staff_aal2_required";
  const wantsSecond = rule.assurance === "aal2" || (rule.assurance === "account" && Boolean(p.has2fa));
  if (rule.recent === "session" && (!wantsSecond || aal2)) return "ok";
  const freshProof = !p.stale && (wantsSecond ? aal2 : (p.amr ?? []).includes(AMR.password));
  if (freshProof) return "ok";
  return wantsSecond ? "second_factor_required" : "reauth_required";
}

type Actor = {
  userId: number;
  sessionId: string | null;
  token: string | null;
  apiKey: string | null;
  /** Targets, made before the snapshot: the caller's own key and linked account, another user's key. */
  ownKeyId: number;
  linkedAccountId: number;
  other: { userId: number; keyId: number };
};

async function setUp(p: Persona): Promise<Actor> {
  const user = await makeUser({ staff: p.staff });
  if (p.has2fa) {
    await givePasskey(user.id);
    await givePasskey(user.id);
    await giveBackupCodes(user.id, 8);
  }
  const other = await makeUser();
  const otherKey = await keyFor(other.id);
  const client = newClient();
  let sessionId: string | null = null;
  let token: string | null = null;
  let key: string | null = null;
  if (p.apiKey) {
    key = (await keyFor(user.id)).key;
    // Using a key records when (at most every few minutes): done here, so the snapshot sees only the action.
    expect((await authenticateApiKey(key)).ok).toBe(true);
  } else if (p.signedIn) {
    // One API session (token family) and one browser session, with the same history.
    const pair = await issueTokenPair(db, { userId: user.id, amr: p.amr ?? PWD, client });
    token = pair.access;
    sessionId = (await signInBrowser(user.id, p.amr ?? PWD, client)).sessionId;
    if (p.stale) {
      const old = new Date(Date.now() - (settings.stepUpMinutes + 1) * 60_000);
      await db.authSession.updateMany({
        where: { userId: user.id },
        data: {
          reauthAt: old,
          passwordAt: p.amr?.includes(AMR.password) ? old : null,
          passkeyAt: p.amr?.includes(AMR.passkey) ? old : null,
        },
      });
    }
  }
  const ownKeyId = (await keyFor(user.id)).id;
  const linked = await db.oAuthAccount.create({
    data: { userId: user.id, provider: "github", providerAccountId: randomBytes(6).toString("hex") },
  });
  return {
    userId: user.id,
    sessionId,
    token,
    apiKey: key,
    ownKeyId,
    linkedAccountId: linked.id,
    other: { userId: other.id, keyId: otherKey.id },
  };
}

async function keyFor(userId: number) {
  const fresh = generateApiKey();
  const row = await db.apiKey.create({
    data: { userId, name: "ci", prefix: fresh.lookup, secretHash: hashApiKeySecret(fresh.secret) },
  });
  return { id: row.id, key: fresh.key };
}

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

/** A route's answer as "ok" or its error code. */
async function api(
  a: Actor,
  handler: Parameters<typeof call>[0],
  method: string,
  path: string,
  body: Record<string, unknown> = {},
  params: Record<string, string> = {},
): Promise<string> {
  const headers: Record<string, string> = a.apiKey
    ? { authorization: `${settings.apiKeys.authScheme} ${a.apiKey}` }
    : {};
  const res = await call(handler, method, path, { token: a.token ?? undefined, headers, body, params });
  return res.status < 300 ? "ok" : String(res.json.code);
}

/** A server action's answer as "ok", its error code, or where it sent the browser. */
async function action(run: () => Promise<unknown>, okRedirect?: RegExp): Promise<string> {
  const result = await outcome(run);
  if (result.kind === "not_found") return "not_found";
  if (result.kind === "redirect") {
    if (result.url.startsWith("/login")) return "not_authenticated";
    const code = new URL(result.url, "http://x").searchParams.get("code");
    if (code) return code;
    return okRedirect?.test(result.url) ? "ok" : `redirect:${result.url}`;
  }
  const value = result.value as { error?: string; code?: string } | undefined;
  return value?.code ?? (value?.error ? `error:${value.error}` : "ok");
}

type Surface = {
  /** "api" or "action", and what is called. */
  via: string;
  /** Outcome when the policy allows, if not "ok" (a later check of the operation itself). */
  whenAllowed?: (p: Persona) => string;
  /** The request itself carries the current password, which is the step-up proof when the policy asks for the password. */
  sendsPassword?: boolean;
  /** A check the operation makes before asking the policy (e.g. the target must exist). */
  before?: (p: Persona) => string | null;
  run: (a: Actor) => Promise<string>;
};

const noFactor = (code: string) => (p: Persona) => (p.has2fa ? "ok" : code);

/** Every action of the policy and where it is exercised. A new action without a surface fails. */
const SURFACES: Record<PolicyAction, Surface[] | { none: string }> = {
  "totp.add": [
    { via: "POST /api/auth/2fa/setup/totp", run: (a) => api(a, setupTotp.POST, "POST", "/api/auth/2fa/setup/totp") },
    { via: "beginTotpSetupAction", run: () => action(() => securityActions.beginTotpSetupAction({}, form({}))) },
  ],
  "passkey.add": [
    {
      via: "POST /api/auth/2fa/passkey/setup",
      run: (a) => api(a, passkeySetup.POST, "POST", "/api/auth/2fa/passkey/setup"),
    },
    { via: "beginAddPasskeyAction", run: () => action(() => passkeyActions.beginAddPasskeyAction()) },
  ],
  "passkey.remove": [
    {
      via: "DELETE /api/auth/2fa/passkey/remove",
      before: (p) => (p.signedIn && !p.apiKey && !p.has2fa ? "credential_not_found" : null),
      run: async (a) =>
        api(a, passkeyRemove.DELETE, "DELETE", "/api/auth/2fa/passkey/remove", {
          credential_id: await firstPasskey(a),
        }),
    },
    {
      via: "removePasskeyAction",
      before: (p) => (p.signedIn && !p.has2fa ? "credential_not_found" : null),
      run: async (a) =>
        action(async () => passkeyActions.removePasskeyAction({}, form({ credential_id: await firstPasskey(a) }))),
    },
  ],
  "two_factor.disable": [
    { via: "POST /api/auth/2fa/disable", run: (a) => api(a, disable.POST, "POST", "/api/auth/2fa/disable") },
    { via: "disableTwoFactorAction", run: () => action(() => securityActions.disableTwoFactorAction({}, form({}))) },
  ],
  "backup_codes.regenerate": [
    {
      via: "POST /api/auth/2fa/backup-codes/regenerate",
      whenAllowed: noFactor("no_backup_codes_without_factor"),
      run: (a) => api(a, regenerate.POST, "POST", "/api/auth/2fa/backup-codes/regenerate"),
    },
    {
      via: "regenerateBackupCodesAction",
      whenAllowed: noFactor("no_backup_codes_without_factor"),
      run: () => action(() => securityActions.regenerateBackupCodesAction({}, form({}))),
    },
  ],
  "api_key.create": [
    { via: "POST /api/auth/api-keys", run: (a) => api(a, apiKeys.POST, "POST", "/api/auth/api-keys", { name: "new" }) },
    {
      via: "createApiKeyAction",
      run: () => action(() => apiKeyActions.createApiKeyAction({}, form({ name: "new", expires_in_days: "30" }))),
    },
  ],
  "api_key.revoke": [
    {
      via: "DELETE /api/auth/api-keys/<own>",
      run: async (a) =>
        api(a, withIdParam(apiKey.DELETE), "DELETE", "/api/auth/api-keys/x", undefined, { id: String(a.ownKeyId) }),
    },
    {
      via: "revokeApiKeyAction (own)",
      run: async (a) => action(async () => apiKeyActions.revokeApiKeyAction({}, form({ id: String(a.ownKeyId) }))),
    },
  ],
  "password.change": [
    {
      via: "POST /api/auth/password/change",
      sendsPassword: true,
      run: (a) =>
        api(a, passwordChange.POST, "POST", "/api/auth/password/change", {
          password: PASSWORD,
          new_password: "a brand new passphrase 42",
        }),
    },
    {
      via: "changePasswordAction",
      sendsPassword: true,
      run: () =>
        action(() =>
          profileActions.changePasswordAction(
            {},
            form({
              current_password: PASSWORD,
              new_password: "a brand new passphrase 42",
              confirm: "a brand new passphrase 42",
            }),
          ),
        ),
    },
  ],
  "email.change": [
    {
      via: "requestEmailChangeAction",
      run: () =>
        action(() =>
          profileActions.requestEmailChangeAction(
            {},
            form({ email: `new-${randomBytes(4).toString("hex")}@example.com` }),
          ),
        ),
    },
  ],
  "sessions.revoke": [
    { via: "DELETE /api/auth/sessions", run: (a) => api(a, sessions.DELETE, "DELETE", "/api/auth/sessions") },
    {
      via: "revokeOtherSessionsAction",
      run: () => action(() => sessionActions.revokeOtherSessionsAction(), /done=others/),
    },
  ],
  "trusted_browser.trust": {
    none: "only at the 2FA step of sign-in: tests/integration/trusted-browsers.never-bypass-admin-2fa.test.ts",
  },
  "trusted_browser.forget": [
    {
      via: "revokeAllTrustedDevicesAction",
      run: () => action(() => sessionActions.revokeAllTrustedDevicesAction(), /done=browsers/),
    },
  ],
  "social.link": {
    none: "needs a configured provider and its redirect: tests/integration/oauth.unlink-and-link.test.ts",
  },
  "social.unlink": [
    {
      via: "unlinkProviderAction",
      run: async (a) =>
        action(async () => connectionActions.unlinkProviderAction({}, form({ account_id: String(a.linkedAccountId) }))),
    },
  ],
  "staff.revoke_credentials": [
    {
      via: "DELETE /api/auth/api-keys/<another user's>",
      before: (p) => (p.signedIn && !p.apiKey && !p.staff ? "api_key_not_found" : null),
      run: (a) =>
        api(a, withIdParam(apiKey.DELETE), "DELETE", "/api/auth/api-keys/x", undefined, { id: String(a.other.keyId) }),
    },
    {
      via: "revokeApiKeyAction (another user's)",
      before: (p) => (p.signedIn && !p.staff ? "api_key_not_found" : null),
      run: (a) => action(() => apiKeyActions.revokeApiKeyAction({}, form({ id: String(a.other.keyId) }))),
    },
    {
      via: "admin revokeApiKeysAction",
      before: (p) => (p.signedIn && !p.staff ? "not_found" : null),
      run: (a) =>
        action(
          () =>
            adminApiKeyActions.revokeApiKeysAction(form({ ids: String(a.other.keyId), return_to: "/admin/api-keys" })),
          /notice=api_keys_revoked&n=1/,
        ),
    },
  ],
  "staff.manage_user": [
    {
      via: "admin setActiveAction",
      before: (p) => (p.signedIn && !p.staff ? "not_found" : null),
      run: (a) =>
        action(() => adminUserActions.setActiveAction({}, form({ user_id: String(a.other.userId), active: "false" }))),
    },
  ],
  "staff.manage_providers": [
    {
      via: "admin deleteProviderAction",
      before: (p) => (p.signedIn && !p.staff ? "not_found" : null),
      whenAllowed: () => "oauth_provider_not_found",
      run: () => action(() => adminProviderActions.deleteProviderAction({}, form({ id: "nope" }))),
    },
  ],
};

async function firstPasskey(a: Actor): Promise<string> {
  return (
    (await db.passkeyCredential.findFirst({ where: { userId: a.userId }, select: { credentialId: true } }))
      ?.credentialId ?? "none"
  );
}

describe("policy: every action × every caller, API and server actions", () => {
  it("the table has a surface (or a stated reason) for every action", () => {
    expect(Object.keys(SURFACES).sort()).toEqual([...POLICY_ACTIONS].sort());
  });

  for (const action of POLICY_ACTIONS) {
    const surfaces = SURFACES[action];
    if ("none" in surfaces) continue;
    for (const surface of surfaces) {
      describe(`${action} via ${surface.via}`, () => {
        for (const persona of PERSONAS) {
          const isAction = !surface.via.includes("/api/");
          // A browser form cannot present an API key.
          if (isAction && persona.apiKey) continue;
          const byPolicy = expectedByPolicy(POLICY[action], persona);
          const policy = byPolicy === "reauth_required" && surface.sendsPassword ? "ok" : byPolicy;
          const early = surface.before?.(persona) ?? null;
          const expected = early ?? (policy === "ok" ? (surface.whenAllowed?.(persona) ?? "ok") : policy);
          it(`${persona.name} → ${expected}`, async () => {
            enableApiKeys();
            overrideSettings({ admin2faRequired: false });
            const actor = await setUp(persona);
            if (isAction && !persona.signedIn) newRequest(newClient());
            const before = expected === "ok" ? null : await snapshotContents();
            const got = await surface.run(actor);
            expect(got).toBe(expected);
            if (before) expect(await snapshotContents()).toEqual(before);
          });
        }
      });
    }
  }
});
