import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { enableTotp } from "@/lib/auth/account-security";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { TotpTokenBody } from "@/lib/http/schemas";

export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, TotpTokenBody);
  if (!body.ok) return errorResponse(body);
  const result = await enableTotp(principal.value, body.value.totp_token, clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  return json({ message: "TOTP setup verified successfully", backup_codes: result.value.backupCodes });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
