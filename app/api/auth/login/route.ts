import { clientFrom } from "@/lib/auth/request/client";
import { signInWithPassword } from "@/lib/auth/login/sign-in";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { LoginBody } from "@/lib/http/schemas";
import { SecondFactorChallenge, TokenPair } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: LoginBody,
      tag: "Sign-in",
      operationId: "login",
      summary: "Sign in with a password",
      description: "Answers a TokenPair, or a challenge when a second factor (or, for staff, enrollment) is needed.",
      responses: {
        200: { description: "Signed in, or a second factor is needed.", body: [TokenPair, SecondFactorChallenge] },
      },
      errors: ["invalid_credentials", "email_not_verified", "rate_limited"],
    },
    async ({ body, request }) => {
      const result = await signInWithPassword(body, clientFrom(request.headers), issueTokenPair);
      if (!result.ok) return errorResponse(result);
      return json(result.value.kind === "signed_in" ? restTokens(result.value.session) : result.value.challenge);
    },
  ),
});
