import { clientFrom } from "@/lib/auth/client";
import { completePendingLogin } from "@/lib/auth/second-factor";
import { SECOND_FACTORS } from "@/lib/auth/second-factors";
import { issueTokenPair, verifyAccessToken } from "@/lib/auth/tokens";
import { readJsonObject, validationFailure } from "@/lib/http/body";
import { simpleJwtTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { VerifyBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

/**
 * django-lokdown's second-factor step (session_id and a code), answered with SimpleJWT keys. A
 * body with only `token` is SimpleJWT's token-verify instead: 200 {} when the access token is
 * valid and not revoked.
 */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const raw = await readJsonObject(request);
  if (!raw.ok) return errorResponse(raw);
  if (typeof raw.value.token === "string" && raw.value.session_id === undefined) {
    const verified = await verifyAccessToken(raw.value.token);
    return verified.ok ? json({}) : errorResponse(verified);
  }
  const body = VerifyBody.safeParse(raw.value);
  if (!body.success) return errorResponse(validationFailure(body.error));
  const { session_id, totp_token, backup_code, passkey_response } = body.data;
  const input = { totpToken: totp_token, backupCode: backup_code, passkeyResponse: passkey_response ?? undefined };
  const result = await completePendingLogin(session_id, input, SECOND_FACTORS, clientFrom(request.headers), issueTokenPair);
  return result.ok ? json(simpleJwtTokens(result.value)) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
