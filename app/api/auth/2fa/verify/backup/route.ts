import { clientFrom } from "@/lib/auth/client";
import { backupCodeFactor } from "@/lib/auth/backup-codes";
import { completePendingLogin } from "@/lib/auth/second-factor";
import { issueTokenPair } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { BackupVerifyBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, BackupVerifyBody);
  if (!body.ok) return errorResponse(body);
  const input = { backupCode: body.value.backup_code };
  const result = await completePendingLogin(body.value.session_id, input, [backupCodeFactor], clientFrom(request.headers), issueTokenPair);
  return result.ok ? json({ ...restTokens(result.value), message: "Backup code verified successfully" }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
