import type { TokenPair } from "@/lib/auth/sessions/tokens";
import type { StepUpProof } from "@/lib/auth/policy/step-up";

/** django-lokdown's REST-style TokenPair. */
export const restTokens = (pair: TokenPair) => ({
  access_token: pair.access,
  refresh_token: pair.refresh,
  requires_2fa: false as const,
});

/** SimpleJWT-style keys, for /auth/token and /auth/token/verify. */
export const simpleJwtTokens = (pair: TokenPair) => ({
  access: pair.access,
  refresh: pair.refresh,
  requires_2fa: false as const,
});

export const stepUpProof = (body: {
  password?: string;
  totp_token?: string;
  backup_code?: string;
  passkey_response?: Record<string, unknown> | null;
}): StepUpProof => ({
  password: body.password,
  totpToken: body.totp_token,
  backupCode: body.backup_code,
  passkeyResponse: body.passkey_response ?? undefined,
});
