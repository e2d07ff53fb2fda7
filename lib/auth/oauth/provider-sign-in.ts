import "server-only";
import { randomBytes } from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type ErrorCode, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import type { AccountActor } from "../two-factor/account-security";
import { recordSecurityEvent } from "../audit";
import { checkEmailVerifiedForSignIn, sendEmailVerification } from "../account/email-verification";
import { checkAnonymousRequest } from "../rate-limit";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { isSessionId } from "../login/pending-logins";
import { browserNonceHash } from "./browser-nonce";
import { findEnabledProvider, listOAuthProviders } from "./providers";
import { randomToken } from "../secrets";
import { notifySecurityEvent } from "../notices/security-mail";
import { providerDisplayName } from "../notices/social-link-undo";
import {
  beginSignIn,
  type SessionIssuer,
  type SignInOptions,
  type SignInResult,
  type SignInUser,
} from "../login/sign-in";
import { authorize, type StepUpProof } from "../policy/step-up";
import { USERNAME_PATTERN } from "../account/users";

/** How long a finished provider sign-in may wait to be bridged into a session. */
export const OAUTH_SIGN_IN_SECONDS = 300;
/** Unspent hand-offs one account may hold; a person finishes one sign-in at a time. */
export const MAX_LIVE_SIGN_INS_PER_USER = 5;

/** What a provider told us about the person who just signed in with it. */
export type ProviderIdentity = {
  provider: string;
  providerAccountId: string;
  email: string | null;
  /** True only when the provider itself says it verified this address. */
  emailVerified: boolean;
  /**
   * True when this provider's word on this address is trusted (lib/auth/oauth/email-trust.ts): only
   * then may the sign-in link to an existing account, or count the address as verified.
   */
  emailTrusted: boolean;
  /** SHA-256 of this browser's sign-in nonce (lib/auth/oauth/browser-nonce.ts): the hand-off works only there. */
  browserNonceHash?: string | null;
};

export type ProviderSignIn = { signInId: string; userId: number; created: boolean; linked: boolean };

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalizeEmail(email: string | null): string | null {
  const value = email?.trim().toLowerCase() ?? "";
  return value.length <= 254 && EMAIL_PATTERN.test(value) ? value : null;
}

/** A username from the e-mail's local part, within USERNAME_PATTERN ("Jöhn.Doe+x" → "john.doe+x"). */
export function usernameFromEmail(email: string | null, maxLength = 150): string {
  const local = (email ?? "").split("@")[0] ?? "";
  let name = local
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.+-]+/g, "")
    .slice(0, maxLength);
  if (name.length < 3) name = `${name || "user"}_${name ? "user" : randomBytes(2).toString("hex")}`.slice(0, maxLength);
  return USERNAME_PATTERN.test(name) ? name : `user_${randomBytes(3).toString("hex")}`;
}

/** Attempt `n` at a free username: the base, then _2 … _5, then a random suffix. */
function usernameCandidate(base: string, attempt: number): string {
  if (attempt === 0) return base;
  const suffix = attempt < 5 ? `_${attempt + 1}` : `_${randomBytes(3).toString("hex")}`;
  return `${base.slice(0, 150 - suffix.length)}${suffix}`;
}

const uniqueViolation = (error: unknown): string | null =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002"
    ? JSON.stringify(error.meta ?? {})
    : null;

async function refuse(
  identity: ProviderIdentity,
  code: ErrorCode,
  client: ClientInfo,
  userId: number | null = null,
): Promise<Result<never>> {
  await recordSecurityEvent({
    type: "oauth.refused",
    userId,
    client,
    details: { provider: identity.provider, reason: code },
  });
  return fail(code);
}

async function createSignIn(
  tx: Tx | typeof db,
  userId: number,
  identity: ProviderIdentity,
  now: Date,
): Promise<string> {
  // Bounded per account: spent hand-offs go as new ones come, and only the newest few stay usable.
  await tx.oAuthSignIn.deleteMany({
    where: { userId, OR: [{ consumedAt: { not: null } }, { expiresAt: { lt: now } }] },
  });
  const surplus = await tx.oAuthSignIn.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    skip: MAX_LIVE_SIGN_INS_PER_USER - 1,
    select: { id: true },
  });
  if (surplus.length > 0) await tx.oAuthSignIn.deleteMany({ where: { id: { in: surplus.map((row) => row.id) } } });
  const row = await tx.oAuthSignIn.create({
    data: {
      userId,
      provider: identity.provider,
      browserNonceHash: identity.browserNonceHash ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + OAUTH_SIGN_IN_SECONDS * 1000),
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * After the provider vouched for an identity: finds the linked user, links by e-mail (only when
 * this provider is trusted for the address, only to an account whose own address is verified,
 * without 2FA and not staff), or creates a user while sign-up is open. Records a single-use
 * OAuthSignIn for the bridge step. Never signs anyone in by itself.
 */
export async function completeProviderSignIn(
  identity: ProviderIdentity,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<ProviderSignIn>> {
  if (!settings.socialAuth.enabled) return fail("social_auth_disabled");
  // Anyone can make provider accounts: without a limit each round trip stores a hand-off (or a user).
  const limited = await checkAnonymousRequest("oauth_sign_in", client.ip, now);
  if (!limited.ok) return limited;
  const email = normalizeEmail(identity.email);
  // Each round either finishes or lost a race on a unique constraint; the next round sees the winner.
  for (let attempt = 0; attempt < 8; attempt++) {
    const account = await db.oAuthAccount.findUnique({
      where: {
        provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId },
      },
      select: { id: true, user: { select: { id: true, isActive: true } } },
    });
    if (account) {
      if (!account.user.isActive) return refuse(identity, "oauth_account_inactive", client, account.user.id);
      await db.oAuthAccount.update({
        where: { id: account.id },
        data: { lastUsedAt: now, ...(email ? { email, emailVerified: identity.emailVerified } : {}) },
      });
      return ok({
        signInId: await createSignIn(db, account.user.id, identity, now),
        userId: account.user.id,
        created: false,
        linked: false,
      });
    }
    if (!email) return refuse(identity, "oauth_email_missing", client);
    if (!identity.emailVerified) return refuse(identity, "oauth_email_not_verified", client);

    const existing = await db.user.findUnique({
      where: { email },
      select: { id: true, isActive: true, isStaff: true, emailVerifiedAt: true },
    });
    if (existing) {
      if (!existing.isActive) return refuse(identity, "oauth_account_inactive", client, existing.id);
      // Linking needs both sides to have proven the mailbox: the provider (trusted for this
      // address) and the account (its own confirmation), or whoever registered the address first
      // without owning it would gain the provider's identity (pre-account takeover).
      if (!identity.emailTrusted || !existing.emailVerifiedAt)
        return refuse(identity, "oauth_account_not_linked", client, existing.id);
      // A verified address proves control of the mailbox, not of the account's second factor.
      if (existing.isStaff || hasSecondFactor(await getFactorSummary(existing.id))) {
        return refuse(identity, "oauth_account_not_linked", client, existing.id);
      }
      try {
        const providerName = await providerDisplayName(identity.provider);
        const signInId = await db.$transaction(async (tx) => {
          const link = await tx.oAuthAccount.create({
            data: {
              userId: existing.id,
              provider: identity.provider,
              providerAccountId: identity.providerAccountId,
              email,
              emailVerified: true,
              createdAt: now,
              lastUsedAt: now,
            },
            select: { id: true },
          });
          // The owner hears of the new way in once it commits, with a link that removes it.
          await notifySecurityEvent(
            {
              kind: "social_linked",
              provider: providerName,
              oAuthAccountId: link.id,
              userId: existing.id,
              ref: String(link.id),
              client,
              now,
            },
            tx,
          );
          return createSignIn(tx, existing.id, identity, now);
        });
        await recordSecurityEvent({
          type: "oauth.linked",
          userId: existing.id,
          client,
          details: { provider: identity.provider, by: "verified_email" },
        });
        return ok({ signInId, userId: existing.id, created: false, linked: true });
      } catch (error) {
        if (uniqueViolation(error)) continue;
        throw error;
      }
    }

    if (!settings.signupEnabled) return refuse(identity, "oauth_signup_closed", client);
    const base = usernameFromEmail(email);
    for (let n = 0; n < 10; n++) {
      try {
        const created = await db.$transaction(async (tx) => {
          const user = await tx.user.create({
            // The address counts as verified only on the word of a provider trusted for it.
            data: {
              username: usernameCandidate(base, n),
              email,
              emailVerifiedAt: identity.emailTrusted ? now : null,
              passwordHash: null,
              webauthnUserHandle: randomToken(32),
              createdAt: now,
            },
            select: { id: true },
          });
          await tx.oAuthAccount.create({
            data: {
              userId: user.id,
              provider: identity.provider,
              providerAccountId: identity.providerAccountId,
              email,
              emailVerified: true,
              createdAt: now,
              lastUsedAt: now,
            },
          });
          return { userId: user.id, signInId: await createSignIn(tx, user.id, identity, now) };
        });
        await recordSecurityEvent({
          type: "signup",
          userId: created.userId,
          client,
          details: { method: "oauth", provider: identity.provider },
        });
        if (!identity.emailTrusted) await sendEmailVerification(created.userId, client, now);
        return ok({ ...created, created: true, linked: false });
      } catch (error) {
        const target = uniqueViolation(error);
        if (!target) throw error;
        // Only a taken username is retried here; a taken e-mail or account means another request won.
        if (target.includes("email") || target.includes("provider")) break;
      }
    }
  }
  throw new Error("Could not settle a provider sign-in after repeated conflicts");
}

/**
 * Uses up a finished provider sign-in, only in the browser that started it (its nonce cookie
 * hashes to the one recorded at the callback). Of two concurrent calls only one gets the user.
 */
export async function consumeOAuthSignIn(
  signInId: string,
  browserNonce: string | null,
  now = new Date(),
): Promise<Result<SignInUser & { provider: string }>> {
  if (!isSessionId(signInId)) return fail("oauth_sign_in_invalid");
  if (!browserNonce) return fail("oauth_browser_mismatch");
  const claimed = await db.oAuthSignIn.updateMany({
    where: { id: signInId, consumedAt: null, expiresAt: { gt: now }, browserNonceHash: browserNonceHash(browserNonce) },
    data: { consumedAt: now },
  });
  if (claimed.count !== 1) {
    // Say which: another browser's hand-off (login CSRF) is not an expired one.
    const other = await db.oAuthSignIn.count({ where: { id: signInId, consumedAt: null, expiresAt: { gt: now } } });
    return fail(other > 0 ? "oauth_browser_mismatch" : "oauth_sign_in_invalid");
  }
  const row = await db.oAuthSignIn.findUnique({
    where: { id: signInId },
    select: { provider: true, user: { select: { id: true, username: true, isStaff: true, isActive: true } } },
  });
  if (!row || !row.user.isActive) return fail("oauth_account_inactive");
  return ok({ id: row.user.id, username: row.user.username, isStaff: row.user.isStaff, provider: row.provider });
}

/**
 * The bridge: a finished provider sign-in becomes a session, or a pending login that needs the
 * second factor (or staff enrollment), exactly like a password sign-in.
 */
export async function finishOAuthSignIn<T>(
  signInId: string,
  browserNonce: string | null,
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
  options: SignInOptions = {},
): Promise<Result<SignInResult<T>>> {
  if (!settings.socialAuth.enabled) return fail("social_auth_disabled");
  const user = await consumeOAuthSignIn(signInId, browserNonce, now);
  if (!user.ok) return user;
  if (!(await findEnabledProvider(user.value.provider))) return fail("oauth_sign_in_invalid");
  const verified = await checkEmailVerifiedForSignIn(user.value.id);
  if (!verified.ok) return verified;
  return ok(await beginSignIn(user.value, "oauth", client, issue, now, options));
}

export type LinkedAccount = {
  id: number;
  provider: string;
  providerName: string;
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export async function listLinkedAccounts(userId: number): Promise<LinkedAccount[]> {
  const [accounts, providers] = await Promise.all([
    db.oAuthAccount.findMany({
      where: { userId },
      select: { id: true, provider: true, email: true, createdAt: true, lastUsedAt: true },
      orderBy: { createdAt: "asc" },
    }),
    listOAuthProviders(),
  ]);
  const names = new Map(providers.filter((p) => !p.overriddenByEnvironment).map((p) => [p.id, p.displayName]));
  return accounts.map((a) => ({ ...a, providerName: names.get(a.provider) ?? a.provider }));
}

/**
 * Removes a provider link after step-up. Refused when it is the last way in: no password, no
 * passkey and no other provider. The user row is locked so two unlinks cannot both pass the check.
 */
export async function unlinkOAuthAccount(
  actor: AccountActor,
  accountId: number,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const owned = await db.oAuthAccount.findFirst({
    where: { id: accountId, userId: actor.userId },
    select: { id: true },
  });
  if (!owned) return fail("oauth_account_not_found");
  const stepUp = await authorize("social.unlink", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  const result = await db.$transaction(async (tx): Promise<Result<string>> => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${actor.userId} FOR UPDATE`;
    const account = await tx.oAuthAccount.findFirst({
      where: { id: accountId, userId: actor.userId },
      select: { provider: true },
    });
    if (!account) return fail("oauth_account_not_found");
    const [user, passkeys, others] = await Promise.all([
      tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { passwordHash: true } }),
      tx.passkeyCredential.count({ where: { userId: actor.userId } }),
      tx.oAuthAccount.count({ where: { userId: actor.userId, id: { not: accountId } } }),
    ]);
    if (!user.passwordHash && passkeys === 0 && others === 0) return fail("oauth_last_sign_in_method");
    await tx.oAuthAccount.delete({ where: { id: accountId } });
    return ok(account.provider);
  });
  if (!result.ok) return result;
  await recordSecurityEvent({
    type: "oauth.unlinked",
    userId: actor.userId,
    client,
    details: { provider: result.value },
  });
  return ok(undefined);
}
