import "server-only";
import { listOAuthProviders, type OAuthProviderSummary } from "../oauth/providers";
import type { CsvColumn } from "./csv";
import { pageOf, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

/**
 * The admin list of social-login providers (the records themselves are managed by
 * lib/auth/oauth/providers.ts). A site has a handful, so the list is filtered in memory.
 */
export const oauthProvidersSpec = {
  sorts: ["id", "name", "type", "linked"],
  defaultSort: "id",
  defaultDir: "asc",
  filters: { source: ["database", "environment"], state: ["enabled", "disabled"], type: ["github", "google", "oidc"] },
} as const satisfies ListSpec<string, string>;

export type OAuthProvidersQuery = ListQuery<
  (typeof oauthProvidersSpec.sorts)[number],
  keyof typeof oauthProvidersSpec.filters
>;

const sortValue = (p: OAuthProviderSummary, sort: OAuthProvidersQuery["sort"]): string | number => {
  switch (sort) {
    case "id":
      return p.id;
    case "name":
      return p.displayName.toLowerCase();
    case "type":
      return p.type;
    case "linked":
      return p.linkedAccounts;
  }
};

export async function listOAuthProvidersForAdmin(
  query: OAuthProvidersQuery,
  range = skipTake(query),
): Promise<ListPage<OAuthProviderSummary>> {
  const q = query.q.toLowerCase();
  const { source, state, type } = query.filters;
  const all = (await listOAuthProviders()).filter(
    (p) =>
      (!q || p.id.includes(q) || p.displayName.toLowerCase().includes(q) || p.clientId.toLowerCase().includes(q)) &&
      (!source || p.source === source) &&
      (!state || p.enabled === (state === "enabled")) &&
      (!type || p.type === type),
  );
  const sign = query.dir === "asc" ? 1 : -1;
  all.sort((a, b) => {
    const x = sortValue(a, query.sort);
    const y = sortValue(b, query.sort);
    return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * sign;
  });
  return pageOf(all.slice(range.skip, range.skip + range.take), all.length, query);
}

export const oauthProviderCsv: CsvColumn<OAuthProviderSummary>[] = [
  { header: "id", value: (p) => p.id },
  { header: "type", value: (p) => p.type },
  { header: "display_name", value: (p) => p.displayName },
  { header: "client_id", value: (p) => p.clientId },
  { header: "issuer", value: (p) => p.issuer },
  { header: "enabled", value: (p) => p.enabled },
  { header: "source", value: (p) => p.source },
  { header: "redirect_uri", value: (p) => p.redirectUri },
  { header: "linked_accounts", value: (p) => p.linkedAccounts },
  { header: "created_at", value: (p) => p.createdAt },
  { header: "updated_at", value: (p) => p.updatedAt },
];
