import { clientFrom } from "@/lib/auth/client";
import { ERRORS, fail } from "@/lib/auth/errors";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { issueTokenPair } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { LoginBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

/** SimpleJWT's obtain-pair contract: every failure is a 401, field errors flattened to one string. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, LoginBody);
  if (!body.ok) {
    if (body.code !== "validation_error") return errorResponse(body);
    const flattened = Object.fromEntries(Object.entries(body.body ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    return errorResponse(fail("token_request_invalid", { message: body.message, body: flattened }));
  }
  const result = await signInWithPassword(body.value, clientFrom(request.headers), issueTokenPair);
  if (!result.ok) {
    return result.code === "invalid_credentials" ? errorResponse({ ...result, body: { non_field_errors: "Invalid credentials" } }) : errorResponse(result);
  }
  if (result.value.kind === "signed_in") return json({ refresh: result.value.session.refresh, access: result.value.session.access });
  const { challenge } = result.value;
  const code = challenge.requires_2fa_setup ? "2fa_setup_required" : "2fa_required";
  return errorResponse(fail(code, { body: { ...challenge, message: ERRORS[code].message } }));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
