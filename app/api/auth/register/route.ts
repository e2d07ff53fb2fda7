import { clientFrom } from "@/lib/auth/client";
import { registerUser } from "@/lib/auth/registration";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { RegisterBody } from "@/lib/http/schemas";

export const POST = route(async (request) => {
  const body = await parseBody(request, RegisterBody);
  if (!body.ok) return errorResponse(body);
  const result = await registerUser(body.value, clientFrom(request.headers));
  return result.ok ? json({ id: result.value.id, username: result.value.username, email: result.value.email }, 201) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
