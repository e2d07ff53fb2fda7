import { clientFrom } from "@/lib/auth/client";
import { endApiSession } from "@/lib/auth/logout";
import { readJsonObject } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Revokes a refresh-token family: by `{refresh}` in the body, or the Bearer token's session. */
export const POST = route(async (request) => {
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body);
  const refresh = body.value.refresh ?? body.value.refresh_token;
  const result = await endApiSession(
    { refresh: typeof refresh === "string" ? refresh : undefined, authorization: request.headers.get("authorization") },
    clientFrom(request.headers),
  );
  return result.ok ? json({ message: "Logged out" }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
