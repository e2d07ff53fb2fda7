import { clientFrom } from "@/lib/auth/request/client";
import { ERRORS, type Failure, fail } from "@/lib/auth/errors";
import { signInWithPassword } from "@/lib/auth/login/sign-in";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { LoginBody } from "@/lib/http/schemas";
import { ErrorBody, SimpleJwtPair, TokenObtainChallenge } from "@/lib/openapi/responses";

/** SimpleJWT answers bad input with a 401 too, each field's errors flattened to one string. */
function simpleJwtInvalidBody(failure: Failure): Failure {
  const flattened = Object.fromEntries(
    Object.entries(failure.body ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  return fail("token_request_invalid", { message: failure.message, body: flattened });
}

/** SimpleJWT's obtain-pair contract: every failure is a 401, field errors flattened to one string. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: LoginBody,
      onInvalidBody: simpleJwtInvalidBody,
      tag: "Sign-in",
      operationId: "obtainTokenPair",
      summary: "SimpleJWT-style password sign-in",
      description: "Every failure is a 401 (SimpleJWT); field errors are flattened to one string per field.",
      responses: {
        200: { description: "Signed in (no second factor needed).", body: SimpleJwtPair },
        401: {
          description: "Bad input or credentials, or a second factor is needed (the challenge is in the body).",
          body: [TokenObtainChallenge, ErrorBody],
        },
      },
      // The 401s are described by the response above; listed so the declaration names every code sent.
      errors: [
        "token_request_invalid",
        "invalid_credentials",
        "2fa_required",
        "2fa_setup_required",
        "email_not_verified",
        "rate_limited",
      ],
    },
    async ({ body, request }) => {
      const result = await signInWithPassword(body, clientFrom(request.headers), issueTokenPair);
      if (!result.ok) {
        return result.code === "invalid_credentials"
          ? errorResponse({ ...result, body: { non_field_errors: "Invalid credentials" } })
          : errorResponse(result);
      }
      if (result.value.kind === "signed_in")
        return json({ refresh: result.value.session.refresh, access: result.value.session.access });
      const { challenge } = result.value;
      const code = challenge.requires_2fa_setup ? "2fa_setup_required" : "2fa_required";
      return errorResponse(fail(code, { body: { ...challenge, message: ERRORS[code].message } }));
    },
  ),
});
