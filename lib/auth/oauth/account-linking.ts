import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { cookieAttributes, deletionSetCookie, requestCookie } from "@/lib/http/cookies";
import { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import type { AccountActor } from "../two-factor/account-security";
import { recordSecurityEvent } from "../audit";
import type { ProviderIdentity } from "./provider-sign-in";
import { sha256Hex } from "../secrets";
import { notifySecurityEvent } from "../notices/security-mail";
import { signToken, verifyToken } from "../signed-token";
import { providerDisplayName } from "../notices/social-link-undo";
import { authorize, type StepUpProof } from "../policy/step-up";
import { SESSION_COOKIE } from "../sessions/web-session";

/**
 * Linking a provider to the signed-in account (the only way to link an account with 2FA): after
 * step-up, a short-lived signed "link intent" cookie names the user, the web session and the
 * provider. When the provider returns, the link is made only if the same browser still holds
 * that session.
 */

const prefix = settings.production ? "__Host-" : "";
export const LINK_INTENT_COOKIE = `${prefix}lokdown_oauth_link`;
export const LINK_INTENT_SECONDS = 600;

export type LinkIntent = { userId: number; sessionId: string; provider: string };

const IntentClaims = z.object({ sub: z.string(), sid: z.string(), provider: z.string() });

/** Step-up, then the cookie value that authorises one link to `provider` for LINK_INTENT_SECONDS. */
export async function beginProviderLink(
  actor: AccountActor,
  provider: string,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ cookie: string; expiresAt: Date }>> {
  const stepUp = await authorize("social.link", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  const expiresAt = new Date(now.getTime() + LINK_INTENT_SECONDS * 1000);
  const cookie = await signToken(
    "oauth-link-intent",
    { sub: String(actor.userId), sid: actor.sessionId, provider },
    expiresAt,
    now,
  );
  return ok({ cookie, expiresAt });
}

/** For the server action that starts the link: httpOnly, Lax (it must ride the provider's redirect back). */
export async function setLinkIntentCookie(intent: { cookie: string; expiresAt: Date }): Promise<void> {
  (await cookies()).set(LINK_INTENT_COOKIE, intent.cookie, {
    ...cookieAttributes(LINK_INTENT_COOKIE),
    expires: intent.expiresAt,
  });
}

/** The Set-Cookie value that ends the intent, with the attributes it was set with. */
export function endLinkIntentCookie(): string {
  return deletionSetCookie(LINK_INTENT_COOKIE);
}

/** The link intent of this request for `provider`, if it is authentic, fresh, and its web session is still live here. */
export async function readLinkIntent(headers: Headers, provider: string, now = new Date()): Promise<LinkIntent | null> {
  const raw = requestCookie(headers, LINK_INTENT_COOKIE);
  const intent = raw ? await verifyToken("oauth-link-intent", raw, IntentClaims, now) : null;
  if (!intent || intent.provider !== provider) return null;
  const token = requestCookie(headers, SESSION_COOKIE);
  if (!token) return null;
  const session = await db.authSession.findUnique({
    where: { webTokenHash: sha256Hex(token) },
    select: { id: true, userId: true, revokedAt: true, expiresAt: true },
  });
  if (
    !session ||
    session.revokedAt ||
    session.expiresAt <= now ||
    session.id !== intent.sid ||
    String(session.userId) !== intent.sub
  )
    return null;
  return { userId: session.userId, sessionId: intent.sid, provider };
}

/** Links the provider account to the intent's user; refused when it already belongs to someone else. */
export async function linkProviderAccount(
  intent: LinkIntent,
  identity: ProviderIdentity,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const where = {
    provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId },
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await db.oAuthAccount.findUnique({ where, select: { userId: true } });
    if (existing) return existing.userId === intent.userId ? ok(undefined) : fail("oauth_already_linked");
    try {
      const email = identity.email?.trim().toLowerCase() || null;
      const providerName = await providerDisplayName(identity.provider);
      // The link, its audit record and the owner's notice (sent once this commits) go together.
      await db.$transaction(async (tx) => {
        const link = await tx.oAuthAccount.create({
          data: {
            userId: intent.userId,
            provider: identity.provider,
            providerAccountId: identity.providerAccountId,
            email,
            emailVerified: identity.emailVerified,
            createdAt: now,
            lastUsedAt: now,
          },
          select: { id: true },
        });
        await recordSecurityEvent(
          {
            type: "oauth.linked",
            userId: intent.userId,
            client,
            details: { provider: identity.provider, by: "account_page" },
          },
          tx,
        );
        await notifySecurityEvent(
          {
            kind: "social_linked",
            provider: providerName,
            oAuthAccountId: link.id,
            userId: intent.userId,
            ref: String(link.id),
            client,
            now,
          },
          tx,
        );
      });
      return ok(undefined);
    } catch (error) {
      // A concurrent link of the same provider account: the next round reports who won.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  return fail("oauth_already_linked");
}
