import { clientFrom } from "@/lib/auth/request/client";
import { registerUser } from "@/lib/auth/account/signup";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { RegisterBody } from "@/lib/http/schemas";
import { RegisteredUser } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone",
      body: RegisterBody,
      tag: "Sign-in",
      operationId: "register",
      summary: "Create an account (when LOKDOWN_SIGNUP_ENABLED)",
      responses: { 201: { description: "Created.", body: RegisteredUser } },
      errors: ["signup_disabled", "username_taken", "email_taken", "weak_password", "rate_limited"],
    },
    async ({ body, request }) => {
      const result = await registerUser(body, clientFrom(request.headers));
      return result.ok
        ? json({ id: result.value.id, username: result.value.username, email: result.value.email }, 201)
        : errorResponse(result);
    },
  ),
});
