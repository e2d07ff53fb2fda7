import "server-only";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { authenticateApiKey } from "./api-keys";
import { verifyAccessToken } from "../sessions/tokens";

type Identity = { userId: number; username: string; isStaff: boolean };

/** A caller holding an access token from a full sign-in. */
export type SessionPrincipal = Identity & {
  kind: "access_token";
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
  amr: string[];
};

/** A caller holding one of the user's API keys. It has no session, so it can never step up. */
export type ApiKeyPrincipal = Identity & { kind: "api_key"; sessionId: null; apiKeyId: number };

/** Who is calling the JSON API, and with what kind of credential. */
export type Principal = SessionPrincipal | ApiKeyPrincipal;

type Credential = { scheme: "bearer" | "api_key"; value: string } | null;

/** `Authorization: <scheme> <credential>`; schemes compare case-insensitively (RFC 9110 §11.1). */
function readCredential(request: Request): Credential {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!scheme || !value || rest.length > 0) return null;
  const lower = scheme.toLowerCase();
  if (lower === "bearer") return { scheme: "bearer", value };
  // While the feature is off an API key header is no credential at all, as for django-lokdown.
  if (settings.apiKeys.enabled && lower === settings.apiKeys.authScheme.toLowerCase())
    return { scheme: "api_key", value };
  return null;
}

/**
 * Resolves `Authorization: Bearer <access token>` or `Authorization: Api-Key <key>` (the scheme of
 * LOKDOWN_API_KEY_AUTH_SCHEME) to a principal. Each costs one indexed query.
 */
export async function authenticateRequest(request: Request, now = new Date()): Promise<Result<Principal>> {
  const credential = readCredential(request);
  if (!credential) return fail("not_authenticated");
  if (credential.scheme === "api_key") {
    const key = await authenticateApiKey(credential.value, now);
    if (!key.ok) return key;
    return ok({ kind: "api_key", sessionId: null, ...key.value });
  }
  const verified = await verifyAccessToken(credential.value, now);
  if (!verified.ok) return verified;
  const { userId, username, isStaff, sessionId, amr } = verified.value;
  return ok({ kind: "access_token", userId, username, isStaff, sessionId, amr });
}

/**
 * For endpoints only a signed-in session may use: key management, 2FA and passkey changes.
 * A valid API key is refused with 403 api_key_not_allowed, so a leaked key cannot mint more keys
 * or strip 2FA (django-lokdown accepted keys there).
 */
export async function authenticateSessionRequest(
  request: Request,
  now = new Date(),
): Promise<Result<SessionPrincipal>> {
  const principal = await authenticateRequest(request, now);
  if (!principal.ok) return principal;
  return principal.value.kind === "access_token" ? ok(principal.value) : fail("api_key_not_allowed");
}

/**
 * For endpoints that issue tokens from a password, code or refresh token in the body: a request
 * that presents an API key is refused outright, so a key can never be traded for a session.
 */
export function refuseApiKeyCredential(request: Request): Result<void> {
  return readCredential(request)?.scheme === "api_key" ? fail("api_key_not_allowed") : ok(undefined);
}
