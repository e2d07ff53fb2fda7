import type { z } from "zod";
import { fail, ok, type Result } from "@/lib/auth/errors";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "./fields";

/** Bodies larger than this are refused before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Most bytes of an oversize body read and thrown away so the client can read its 413. */
const MAX_DISCARDED_BYTES = 10 * 1024 * 1024;

/**
 * Reads the rest of an oversize body without keeping it: closing a connection with unread data
 * makes the kernel reset it, and the client then loses the 413 while it is still sending. Beyond
 * MAX_DISCARDED_BYTES the stream is cancelled and that client gets the reset.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  for (let size = alreadyRead; size <= MAX_DISCARDED_BYTES; ) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
  }
  await reader.cancel();
}

async function readLimited(request: Request): Promise<Result<string>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return fail("payload_too_large");
  if (!request.body) return ok("");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await discardRest(reader, size);
      return fail("payload_too_large");
    }
    chunks.push(value);
  }
  try {
    return ok(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
  } catch {
    return fail("invalid_json", { message: "Request body must be UTF-8 encoded JSON" });
  }
}

/** Reads a JSON object body. An empty body reads as {} so endpoints without fields accept it. */
export async function readJsonObject(request: Request): Promise<Result<Record<string, unknown>>> {
  const text = await readLimited(request);
  if (!text.ok) return text;
  if (text.value.trim() === "") return ok({});
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "application/json" && !type.endsWith("+json")) return fail("unsupported_media_type");
  let parsed: unknown;
  let storable = true;
  try {
    // Keys and strings anywhere in the body: lib/auth passes them on to PostgreSQL.
    parsed = JSON.parse(text.value, (key: string, value: unknown) => {
      if (!isStorableText(key) || (typeof value === "string" && !isStorableText(value))) storable = false;
      return value;
    });
  } catch {
    return fail("invalid_json");
  }
  if (!storable) return fail("validation_error", { message: UNSTORABLE_TEXT_MESSAGE });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return fail("invalid_json", { message: "Request body must be a JSON object" });
  }
  return ok(parsed as Record<string, unknown>);
}

/** Turns zod issues into django-lokdown's (DRF's) `{"field": ["message"]}` shape beside `error`. */
export function validationFailure(error: z.ZodError) {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "non_field_errors";
    (fields[key] ??= []).push(issue.message);
  }
  const [firstKey, firstMessages] = Object.entries(fields)[0] ?? ["non_field_errors", ["Invalid input."]];
  return fail("validation_error", { message: `${firstKey}: ${firstMessages[0]}`, body: fields });
}

export async function parseBody<S extends z.ZodType>(request: Request, schema: S): Promise<Result<z.output<S>>> {
  const body = await readJsonObject(request);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  return parsed.success ? ok(parsed.data) : validationFailure(parsed.error);
}
