import "server-only";
import { db, type DbClient } from "@/lib/db";
import { singleLine } from "@/lib/mail/templates";
import { listOAuthProviders } from "../oauth/providers";
import type { SecurityUndo } from "./security-undo";

/**
 * Social links and "This wasn't me": a provider account linked by an intruder is a way back in
 * that survives a new password, so following any "This wasn't me" link removes the link the
 * notice reports (a `social` undo, by row id) and every link made at or after the reported change
 * (an intruder could have linked after the change that was reported). An ordinary password reset
 * keeps links: a user who forgot the password may sign in through the provider.
 */

/** The name the site shows for a provider (its display name), or its id when it is gone. */
export async function providerDisplayName(providerId: string): Promise<string> {
  const provider = (await listOAuthProviders()).find((p) => p.id === providerId && !p.overriddenByEnvironment);
  return provider?.displayName ?? providerId;
}

function linksToRemove(userId: number, undo: SecurityUndo | undefined, since: Date) {
  const reported = undo?.t === "social" ? [{ id: undo.id }] : [];
  return { userId, OR: [...reported, { createdAt: { gte: since } }] };
}

/** The line the page and the confirmation e-mail show for the social links the link removes (none: no line). */
export async function describeSocialLinkRemoval(
  userId: number,
  undo: SecurityUndo | undefined,
  since: Date,
  client: DbClient = db,
): Promise<string[]> {
  const links = await client.oAuthAccount.findMany({
    where: linksToRemove(userId, undo, since),
    select: { provider: true, email: true },
    orderBy: { id: "asc" },
  });
  if (links.length === 0) return [];
  const names = await Promise.all(
    links.map(
      async (link) =>
        `${singleLine(await providerDisplayName(link.provider)).slice(0, 64)}${link.email ? ` (${singleLine(link.email).slice(0, 254)})` : ""}`,
    ),
  );
  return [
    `Remove the social ${links.length === 1 ? "account" : "accounts"} linked since the change: ${names.join(", ")}.`,
  ];
}

/**
 * Deletes those links inside the caller's transaction, and spends the account's unfinished
 * provider hand-offs (one made through a removed link would still sign in); answers how many links went.
 */
export async function removeSocialLinks(
  tx: DbClient,
  userId: number,
  undo: SecurityUndo | undefined,
  since: Date,
  now: Date,
): Promise<number> {
  await tx.oAuthSignIn.updateMany({ where: { userId, consumedAt: null }, data: { consumedAt: now } });
  return (await tx.oAuthAccount.deleteMany({ where: linksToRemove(userId, undo, since) })).count;
}
