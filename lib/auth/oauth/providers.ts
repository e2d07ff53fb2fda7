import "server-only";
import { db } from "@/lib/db";
import { EMAIL_DOMAIN, issuerUrlProblem, settings } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { decryptSecret, encryptSecret } from "../encryption";
import { siteOrigin } from "../site";

/**
 * Social-login providers: rows of the OAuthProvider table (managed in the admin area, client
 * secret encrypted at rest) plus the read-only ones from AUTH_* environment variables.
 * Nothing here ever returns a client secret except `loadEnabledProviders`, which only the
 * next-auth configuration calls.
 */

export const OAUTH_PROVIDER_TYPES = ["github", "google", "oidc"] as const;
export type OAuthProviderType = (typeof OAUTH_PROVIDER_TYPES)[number];

/** Used in URLs (/api/nextauth/callback/<id>): lower-case letters, digits and inner hyphens. */
export const PROVIDER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** next-auth's routes; every redirect URI a provider console needs lives under it. */
export const NEXTAUTH_BASE_PATH = "/api/nextauth";

export type OAuthProviderSummary = {
  id: string;
  type: OAuthProviderType;
  displayName: string;
  clientId: string;
  issuer: string | null;
  enabled: boolean;
  /** Generic OIDC: its verified e-mail links to existing accounts (GitHub and Google always). */
  trustEmail: boolean;
  /** With trustEmail: only these domains; empty means any. */
  trustedEmailDomains: string[];
  source: "database" | "environment";
  /** Environment providers cannot be edited in the admin area. */
  readOnly: boolean;
  /** A database row whose id an environment provider also uses: the environment one is in effect. */
  overriddenByEnvironment: boolean;
  /** The callback URL to register in the provider's console. */
  redirectUri: string;
  linkedAccounts: number;
  createdAt: Date | null;
  updatedAt: Date | null;
};

export type NewOAuthProvider = {
  id: string;
  type: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  issuer?: string | null;
  enabled?: boolean;
  trustEmail?: boolean;
  trustedEmailDomains?: string[];
};

/** Fields left undefined keep their value; a blank clientSecret keeps the stored one (write-only). */
export type OAuthProviderPatch = {
  displayName?: string;
  clientId?: string;
  clientSecret?: string;
  type?: string;
  issuer?: string | null;
  enabled?: boolean;
  trustEmail?: boolean;
  trustedEmailDomains?: string[];
};

/** Who changed a provider, for the audit log. */
export type ProviderAuditActor = { userId: number; client?: ClientInfo };

/** With the decrypted secret: for building the next-auth configuration only. */
export type OAuthProviderCredentials = {
  id: string;
  type: OAuthProviderType;
  displayName: string;
  clientId: string;
  clientSecret: string;
  issuer: string | null;
  trustEmail: boolean;
  trustedEmailDomains: string[];
};

/** What the sign-in page and the bridge API may show about a provider. */
export type EnabledProvider = { id: string; type: OAuthProviderType; displayName: string };

/** LOKDOWN_SOCIALAUTH_ENABLED: off means no buttons, no next-auth routes and 403 from the bridge API. */
export function socialAuthEnabled(): boolean {
  return settings.socialAuth.enabled;
}

export function oauthRedirectUri(providerId: string, origin = siteOrigin()): string {
  return `${origin}${NEXTAUTH_BASE_PATH}/callback/${providerId}`;
}

const isProviderType = (value: string): value is OAuthProviderType =>
  (OAUTH_PROVIDER_TYPES as readonly string[]).includes(value);

const invalid = (field: string, message: string) =>
  fail("validation_error", { message: `${field}: ${message}`, body: { [field]: [message] } });

const providerRow = {
  id: true,
  type: true,
  displayName: true,
  clientId: true,
  issuer: true,
  enabled: true,
  trustEmail: true,
  trustedEmailDomains: true,
  createdAt: true,
  updatedAt: true,
} as const;

type ProviderRow = Prisma.OAuthProviderGetPayload<{ select: typeof providerRow }>;

async function linkedCounts(): Promise<Map<string, number>> {
  const groups = await db.oAuthAccount.groupBy({ by: ["provider"], _count: { _all: true } });
  return new Map(groups.map((g) => [g.provider, g._count._all]));
}

function envIds(): Set<string> {
  return new Set(settings.socialAuth.envProviders.map((p) => p.id));
}

function summaryOf(row: ProviderRow, counts: Map<string, number>): OAuthProviderSummary {
  return {
    id: row.id,
    type: isProviderType(row.type) ? row.type : "oidc",
    displayName: row.displayName,
    clientId: row.clientId,
    issuer: row.issuer,
    enabled: row.enabled,
    trustEmail: row.type === "oidc" && row.trustEmail,
    trustedEmailDomains: row.type === "oidc" && row.trustEmail ? row.trustedEmailDomains : [],
    source: "database",
    readOnly: false,
    overriddenByEnvironment: envIds().has(row.id),
    redirectUri: oauthRedirectUri(row.id),
    linkedAccounts: counts.get(row.id) ?? 0,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every provider, environment ones first; never a secret. */
export async function listOAuthProviders(): Promise<OAuthProviderSummary[]> {
  const [rows, counts] = await Promise.all([
    db.oAuthProvider.findMany({ select: providerRow, orderBy: { id: "asc" } }),
    linkedCounts(),
  ]);
  const fromEnv: OAuthProviderSummary[] = settings.socialAuth.envProviders.map((p) => ({
    id: p.id,
    type: p.type,
    displayName: p.displayName,
    clientId: p.clientId,
    issuer: p.issuer,
    enabled: true,
    trustEmail: p.type === "oidc" && (p.trustEmail ?? false),
    trustedEmailDomains: p.type === "oidc" && p.trustEmail ? (p.trustedEmailDomains ?? []) : [],
    source: "environment",
    readOnly: true,
    overriddenByEnvironment: false,
    redirectUri: oauthRedirectUri(p.id),
    linkedAccounts: counts.get(p.id) ?? 0,
    createdAt: null,
    updatedAt: null,
  }));
  return [...fromEnv, ...rows.map((row) => summaryOf(row, counts))];
}

export async function getOAuthProvider(id: string): Promise<OAuthProviderSummary | null> {
  return (await listOAuthProviders()).find((p) => p.id === id && !p.overriddenByEnvironment) ?? null;
}

function checkCommon(input: { type: string; displayName: string; clientId: string; issuer: string | null }) {
  if (!isProviderType(input.type)) return invalid("type", `Must be one of ${OAUTH_PROVIDER_TYPES.join(", ")}.`);
  const name = input.displayName.trim();
  if (name.length < 1 || name.length > 60) return invalid("displayName", "Enter a name of 1-60 characters.");
  const clientId = input.clientId.trim();
  if (clientId.length < 1 || clientId.length > 512 || /\s/.test(clientId))
    return invalid("clientId", "Enter the client id from the provider's console.");
  if (input.type === "oidc") {
    if (!input.issuer) return invalid("issuer", "OpenID Connect providers need the issuer URL.");
    const problem = issuerUrlProblem(input.issuer);
    if (problem) return invalid("issuer", `The issuer URL ${problem}.`);
  } else if (input.issuer) {
    return invalid("issuer", "Only OpenID Connect providers take an issuer URL.");
  }
  return null;
}

/** The trust fields as stored: only generic OIDC providers carry them; domains only with trust on. */
function trustFields(
  type: string,
  trustEmail: boolean,
  domains: string[],
): Result<{ trustEmail: boolean; trustedEmailDomains: string[] }> {
  if (type !== "oidc") return ok({ trustEmail: false, trustedEmailDomains: [] });
  const cleaned = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))];
  if (cleaned.length > 50) return invalid("trustedEmailDomains", "List at most 50 domains.");
  const bad = cleaned.find((d) => !EMAIL_DOMAIN.test(d));
  if (bad !== undefined)
    return invalid("trustedEmailDomains", `"${bad.slice(0, 64)}" is not a domain name such as example.com.`);
  return ok({ trustEmail, trustedEmailDomains: trustEmail ? cleaned : [] });
}

function checkSecret(secret: string) {
  return secret.length < 1 || secret.length > 1024 || /^\s|\s$/.test(secret)
    ? invalid("clientSecret", "Enter the client secret from the provider's console.")
    : null;
}

async function audit(
  type: "oauth_provider.created" | "oauth_provider.updated" | "oauth_provider.deleted",
  id: string,
  actor?: ProviderAuditActor,
  extra: Record<string, string | boolean> = {},
) {
  await recordSecurityEvent({
    type,
    userId: actor?.userId ?? null,
    client: actor?.client,
    details: { provider: id, ...extra },
  });
}

export async function createOAuthProvider(
  input: NewOAuthProvider,
  actor?: ProviderAuditActor,
): Promise<Result<OAuthProviderSummary>> {
  const id = input.id.trim().toLowerCase();
  if (!PROVIDER_ID_PATTERN.test(id))
    return invalid("id", "Use 1-40 lower-case letters, digits and inner hyphens, e.g. acme-sso.");
  if (envIds().has(id))
    return fail("oauth_provider_exists", {
      message: `A provider with the id "${id}" is configured in the environment`,
    });
  const issuer = input.issuer?.trim() || null;
  const problem = checkCommon({ ...input, issuer }) ?? checkSecret(input.clientSecret);
  if (problem) return problem;
  const trust = trustFields(input.type, input.trustEmail ?? false, input.trustedEmailDomains ?? []);
  if (!trust.ok) return trust;
  try {
    const row = await db.$transaction(async (tx) => {
      // Links and hand-offs left by an earlier provider with this id belong to another issuer.
      await tx.oAuthAccount.deleteMany({ where: { provider: id } });
      await tx.oAuthSignIn.deleteMany({ where: { provider: id } });
      return tx.oAuthProvider.create({
        data: {
          ...trust.value,
          id,
          type: input.type,
          displayName: input.displayName.trim(),
          clientId: input.clientId.trim(),
          clientSecretEncrypted: encryptSecret(input.clientSecret),
          issuer,
          enabled: input.enabled ?? true,
        },
        select: providerRow,
      });
    });
    await audit("oauth_provider.created", id, actor, { type: row.type });
    return ok(summaryOf(row, await linkedCounts()));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      return fail("oauth_provider_exists");
    throw error;
  }
}

export async function updateOAuthProvider(
  id: string,
  patch: OAuthProviderPatch,
  actor?: ProviderAuditActor,
): Promise<Result<OAuthProviderSummary>> {
  if (envIds().has(id)) return fail("oauth_provider_read_only");
  const current = await db.oAuthProvider.findUnique({ where: { id }, select: providerRow });
  if (!current) return fail("oauth_provider_not_found", { message: `Provider not configured: ${id}` });
  const next = {
    type: patch.type ?? current.type,
    displayName: patch.displayName ?? current.displayName,
    clientId: patch.clientId ?? current.clientId,
    issuer: patch.issuer === undefined ? current.issuer : patch.issuer?.trim() || null,
  };
  const problem = checkCommon(next) ?? (patch.clientSecret ? checkSecret(patch.clientSecret) : null);
  if (problem) return problem;
  const trust = trustFields(
    next.type,
    patch.trustEmail ?? current.trustEmail,
    patch.trustedEmailDomains ?? current.trustedEmailDomains,
  );
  if (!trust.ok) return trust;
  if (next.type !== current.type || next.issuer !== current.issuer) {
    // Account ids are only unique per issuer: another issuer's "sub" could match a linked user's.
    const linked = await db.oAuthAccount.count({ where: { provider: id } });
    if (linked > 0) return fail("oauth_issuer_locked");
  }
  const row = await db.oAuthProvider.update({
    where: { id },
    data: {
      type: next.type,
      displayName: next.displayName.trim(),
      clientId: next.clientId.trim(),
      issuer: next.issuer,
      ...trust.value,
      ...(patch.clientSecret ? { clientSecretEncrypted: encryptSecret(patch.clientSecret) } : {}),
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
    },
    select: providerRow,
  });
  await audit("oauth_provider.updated", id, actor, {
    secretChanged: Boolean(patch.clientSecret),
    trustEmail: trust.value.trustEmail,
    trustedEmailDomains: trust.value.trustedEmailDomains.join(","),
  });
  return ok(summaryOf(row, await linkedCounts()));
}

export async function setOAuthProviderEnabled(
  id: string,
  enabled: boolean,
  actor?: ProviderAuditActor,
): Promise<Result<OAuthProviderSummary>> {
  if (envIds().has(id)) return fail("oauth_provider_read_only");
  const updated = await db.oAuthProvider.updateMany({ where: { id }, data: { enabled } });
  if (updated.count === 0) return fail("oauth_provider_not_found", { message: `Provider not configured: ${id}` });
  await audit("oauth_provider.updated", id, actor, { enabled });
  const row = await db.oAuthProvider.findUniqueOrThrow({ where: { id }, select: providerRow });
  return ok(summaryOf(row, await linkedCounts()));
}

/**
 * Deletes the provider with its links and unfinished hand-offs, in one transaction: account ids
 * are unique only per issuer, so a later provider under the same id must start with no links.
 */
export async function deleteOAuthProvider(id: string, actor?: ProviderAuditActor): Promise<Result<void>> {
  if (envIds().has(id)) return fail("oauth_provider_read_only");
  const removed = await db.$transaction(async (tx) => {
    const deleted = await tx.oAuthProvider.deleteMany({ where: { id } });
    if (deleted.count === 0) return null;
    const links = await tx.oAuthAccount.deleteMany({ where: { provider: id } });
    await tx.oAuthSignIn.deleteMany({ where: { provider: id } });
    return links.count;
  });
  if (removed === null) return fail("oauth_provider_not_found", { message: `Provider not configured: ${id}` });
  await audit("oauth_provider.deleted", id, actor, { linksRemoved: String(removed) });
  return ok(undefined);
}

/**
 * Enabled providers with their secrets, environment first (an environment provider wins over a
 * row with the same id). Empty while LOKDOWN_SOCIALAUTH_ENABLED is off.
 */
export async function loadEnabledProviders(): Promise<OAuthProviderCredentials[]> {
  if (!settings.socialAuth.enabled) return [];
  const fromEnv = settings.socialAuth.envProviders.map((p) => ({
    ...p,
    trustEmail: p.type === "oidc" && (p.trustEmail ?? false),
    trustedEmailDomains: p.type === "oidc" && p.trustEmail ? (p.trustedEmailDomains ?? []) : [],
  }));
  const taken = envIds();
  const rows = await db.oAuthProvider.findMany({
    where: { enabled: true, id: { notIn: [...taken] } },
    select: {
      id: true,
      type: true,
      displayName: true,
      clientId: true,
      clientSecretEncrypted: true,
      issuer: true,
      trustEmail: true,
      trustedEmailDomains: true,
    },
    orderBy: { displayName: "asc" },
  });
  const fromDb: OAuthProviderCredentials[] = [];
  for (const row of rows) {
    if (!isProviderType(row.type)) continue;
    try {
      const trusted = row.type === "oidc" && row.trustEmail;
      fromDb.push({
        id: row.id,
        type: row.type,
        displayName: row.displayName,
        clientId: row.clientId,
        clientSecret: decryptSecret(row.clientSecretEncrypted),
        issuer: row.issuer,
        trustEmail: trusted,
        trustedEmailDomains: trusted ? row.trustedEmailDomains : [],
      });
    } catch (error) {
      // A lost LOKDOWN_ENCRYPTION_KEY disables this provider, loudly, without taking the others down.
      console.error(
        `[lokdown] cannot decrypt the client secret of OAuth provider "${row.id}":`,
        (error as Error).message,
      );
    }
  }
  return [...fromEnv, ...fromDb];
}

/** Configured and enabled providers, without credentials. */
export async function listEnabledProviders(): Promise<EnabledProvider[]> {
  return (await loadEnabledProviders()).map(({ id, type, displayName }) => ({ id, type, displayName }));
}

export async function findEnabledProvider(id: string): Promise<EnabledProvider | null> {
  return (await listEnabledProviders()).find((p) => p.id === id) ?? null;
}
