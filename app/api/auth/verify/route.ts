import { clientFrom } from "@/lib/auth/client";
import { completePendingLogin } from "@/lib/auth/second-factor";
import { SECOND_FACTORS } from "@/lib/auth/second-factors";
import { issueTokenPair } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { VerifyBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, VerifyBody);
  if (!body.ok) return errorResponse(body);
  const { session_id, totp_token, backup_code, passkey_response } = body.value;
  const input = { totpToken: totp_token, backupCode: backup_code, passkeyResponse: passkey_response ?? undefined };
  const result = await completePendingLogin(session_id, input, SECOND_FACTORS, clientFrom(request.headers), issueTokenPair);
  return result.ok ? json(restTokens(result.value)) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
