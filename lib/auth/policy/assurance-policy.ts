import { settings } from "@/lib/env";
import { fail, ok, type ErrorCode, type Result } from "../errors";
import { assuranceOf, latestProof, SECOND_FACTORS, type FactorName, type FactorTimes } from "./session-assurance";

/**
 * THE assurance policy: every sensitive action, who may take it, how strong the session must be,
 * and how recent its proof. Route handlers and server actions never decide this themselves; they
 * go through lib/auth functions that call `requirePolicy` (or `authorize` in step-up.ts).
 *
 *   who        "self": the caller's own account. "staff": another user's records (staff only).
 *   assurance  "account": the strongest level the account can reach: AAL2 when it has a second
 *              factor, else AAL1. "aal2": always AAL2 (a second factor in this very session).
 *   recent     "step_up": the proof must be at most LOKDOWN_STEP_UP_MINUTES old.
 *              "session": any live session at that level (protective actions only).
 *
 * Which proof step-up asks for follows from the account (`proofFor`): an account with a second
 * factor proves with a second factor (TOTP, passkey, backup code); one without proves with its
 * password, or, with no password, by signing in again with its provider. API keys never qualify.
 */
// biome-ignore format: the policy reads as a table, one action per row and one column per question.
export const POLICY = {
  //  action                       who       assurance   recent       what it is
  "totp.add":                  { who: "self",  assurance: "account", recent: "step_up", label: "Add an authenticator app" },
  "passkey.add":               { who: "self",  assurance: "account", recent: "step_up", label: "Add a passkey" },
  "passkey.remove":            { who: "self",  assurance: "account", recent: "step_up", label: "Remove a passkey" },
  "two_factor.disable":        { who: "self",  assurance: "account", recent: "step_up", label: "Turn two-factor authentication off" },
  "backup_codes.regenerate":   { who: "self",  assurance: "account", recent: "step_up", label: "Regenerate backup codes" },
  "api_key.create":            { who: "self",  assurance: "account", recent: "step_up", label: "Create an API key" },
  "api_key.revoke":            { who: "self",  assurance: "aal1",    recent: "session", label: "Revoke one of your API keys" },
  "password.change":           { who: "self",  assurance: "account", recent: "step_up", label: "Change or set the password" },
  "email.change":              { who: "self",  assurance: "account", recent: "step_up", label: "Change the e-mail address" },
  "sessions.revoke":           { who: "self",  assurance: "aal1",    recent: "session", label: "Sign out one or all other sessions" },
  "trusted_browser.trust":     { who: "self",  assurance: "aal2",    recent: "step_up", label: "Trust this browser (skip 2FA here)" },
  "trusted_browser.forget":    { who: "self",  assurance: "aal1",    recent: "session", label: "Forget trusted browsers" },
  "social.link":               { who: "self",  assurance: "account", recent: "step_up", label: "Link a social account" },
  "social.unlink":             { who: "self",  assurance: "account", recent: "step_up", label: "Unlink a social account" },
  "staff.revoke_credentials":  { who: "staff", assurance: "aal2",    recent: "session", label: "Staff: revoke another user's API keys, sessions, browsers or logins" },
  "staff.manage_user":         { who: "staff", assurance: "aal2",    recent: "step_up", label: "Staff: reset 2FA, backup codes, active or staff flag of another user" },
  "staff.manage_providers":    { who: "staff", assurance: "aal2",    recent: "step_up", label: "Staff: create, change or delete OAuth providers" },
} as const satisfies Record<string, PolicyRule>;

export type PolicyRule = {
  who: "self" | "staff";
  assurance: "account" | "aal1" | "aal2";
  recent: "step_up" | "session";
  label: string;
};

export type PolicyAction = keyof typeof POLICY;

export const POLICY_ACTIONS = Object.keys(POLICY) as PolicyAction[];

/** The proof step-up asks for. */
export type StepUpKind = "second_factor" | "password" | "provider";

/** The refusal that names each proof (lib/auth/errors.ts). */
export const STEP_UP_CODES = {
  second_factor: "second_factor_required",
  password: "reauth_required",
  provider: "provider_reauth_required",
} as const satisfies Record<StepUpKind, ErrorCode>;

const PROOF_FACTORS: Record<StepUpKind, readonly FactorName[]> = {
  second_factor: SECOND_FACTORS,
  password: ["password"],
  provider: ["provider"],
};

/** What the account can prove with: the policy's input about the user, not the session. */
export type AccountFactors = { hasSecondFactor: boolean; hasPassword: boolean };

/** Who is asking. A session carries its factor times; an API key or nobody carries none. */
export type PolicyCaller =
  | { kind: "none" }
  | { kind: "api_key"; userId: number; isStaff: boolean }
  | {
      kind: "session";
      userId: number;
      isStaff: boolean;
      sessionId: string;
      times: FactorTimes;
      account: AccountFactors;
    };

/** The proof an account gives at step-up: its strongest. */
export function proofFor(account: AccountFactors): StepUpKind {
  if (account.hasSecondFactor) return "second_factor";
  return account.hasPassword ? "password" : "provider";
}

export const stepUpWindowMs = (): number => settings.stepUpMinutes * 60_000;

/**
 * Pure: may `caller` take `action` at `now`? A refusal names what is missing: sign in, a session
 * instead of an API key, staff, a second factor in this session, or a fresh proof of a kind.
 */
export function requirePolicy(action: PolicyAction, caller: PolicyCaller, now: Date): Result<void> {
  const rule: PolicyRule = POLICY[action];
  if (caller.kind === "none") return fail("not_authenticated");
  if (caller.kind === "api_key") return fail("api_key_not_allowed");
  if (rule.who === "staff" && !caller.isStaff) return fail("not_authorized_for_user");
  const level = assuranceOf(caller.times);
  // Staff power over others needs a second factor in this session; "enroll one" is the answer.
  if (rule.who === "staff" && level !== "aal2")
    return fail("staff_aal2_required", { body: { proof: "second_factor" } });
  const kind: StepUpKind = rule.assurance === "aal2" ? "second_factor" : proofFor(caller.account);
  const needsAal2 = rule.assurance === "aal2" || (rule.assurance === "account" && caller.account.hasSecondFactor);
  if (rule.recent === "session" && (!needsAal2 || level === "aal2")) return ok(undefined);
  const proved = latestProof(caller.times, PROOF_FACTORS[kind]);
  if (proved && now.getTime() - proved.getTime() <= stepUpWindowMs()) return ok(undefined);
  return fail(STEP_UP_CODES[kind], { body: { proof: kind } });
}
