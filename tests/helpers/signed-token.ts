/** Forgeries of a signed token (lib/auth/signed-token.ts), as an attacker holding a genuine one would make them. */

const segments = (token: string): [string, string, string] => {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return [header, payload, signature];
};

/** The token's claims, read without checking anything. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segments(token)[1], "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The same header and signature over claims changed by `patch`. */
export function withClaims(token: string, patch: Record<string, unknown>): string {
  const [header, , signature] = segments(token);
  return `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(token), ...patch })).toString("base64url")}.${signature}`;
}

/** The same header and claims under a signature of the right length that is not theirs. */
export function withForgedSignature(token: string): string {
  const [header, payload, signature] = segments(token);
  return `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
}
