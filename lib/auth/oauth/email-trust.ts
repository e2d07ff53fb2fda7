/**
 * Whose word about an e-mail address links a provider sign-in to an existing account (OIDC Core
 * §5.7: an address is not a stable identifier; trust it only from an issuer authoritative for
 * it). GitHub's verified primary address and Google's verified address are trusted; a generic
 * OpenID Connect provider only when the admin turned that on for it, optionally for some domains.
 */

export type EmailTrustPolicy = {
  type: "github" | "google" | "oidc";
  /** Generic OIDC: the admin's switch. Ignored for GitHub and Google. */
  trustEmail?: boolean;
  /** With trustEmail: the only domains trusted (lower-case); empty or absent means any domain. */
  trustedEmailDomains?: readonly string[];
};

/** The domain part of an address, lower-cased; null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).toLowerCase() : null;
}

/** True when `email`, which the provider says it verified, may link to an account with that address. */
export function providerEmailTrusted(
  policy: EmailTrustPolicy,
  email: string | null,
  providerVerified: boolean,
): boolean {
  if (!email || !providerVerified) return false;
  if (policy.type === "github" || policy.type === "google") return true;
  if (!policy.trustEmail) return false;
  const domains = policy.trustedEmailDomains ?? [];
  if (domains.length === 0) return true;
  const domain = emailDomain(email);
  return domain !== null && domains.includes(domain);
}
