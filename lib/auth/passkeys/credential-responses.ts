import "server-only";
import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

/**
 * Browser PublicKeyCredential JSON, checked before any cryptography runs. Like django-lokdown it
 * fills in `rawId` and `type` when a client leaves them out and accepts snake_case field names.
 */
const b64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+={0,2}$/);

const TRANSPORTS = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;
export type Transport = (typeof TRANSPORTS)[number];

function pick(source: Record<string, unknown>, camel: string, snake: string): unknown {
  return source[camel] ?? source[snake];
}

const envelope = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

const attestation = z.object({
  clientDataJSON: b64url,
  attestationObject: b64url,
  transports: z.array(z.string().max(32)).max(16).optional(),
});

const assertion = z.object({
  clientDataJSON: b64url,
  authenticatorData: b64url,
  signature: b64url,
  userHandle: b64url.optional(),
});

function normalize(value: unknown): { outer: Record<string, unknown>; inner: Record<string, unknown> } | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const outer = value as Record<string, unknown>;
  const inner = outer.response;
  if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return null;
  return { outer, inner: inner as Record<string, unknown> };
}

/** Only the transports WebAuthn defines; anything else a client sends is dropped. */
export function knownTransports(values: readonly string[] | undefined): Transport[] {
  return [...new Set((values ?? []).filter((t): t is Transport => (TRANSPORTS as readonly string[]).includes(t)))];
}

export function parseRegistrationResponse(value: unknown): RegistrationResponseJSON | null {
  const parts = normalize(value);
  if (!parts) return null;
  const { outer, inner } = parts;
  const head = envelope.safeParse({
    ...outer,
    rawId: outer.rawId ?? outer.raw_id ?? outer.id,
    type: outer.type ?? "public-key",
  });
  const body = attestation.safeParse({
    clientDataJSON: pick(inner, "clientDataJSON", "client_data_json"),
    attestationObject: pick(inner, "attestationObject", "attestation_object"),
    transports: inner.transports,
  });
  if (!head.success || !body.success) return null;
  return {
    ...head.data,
    response: { ...body.data, transports: knownTransports(body.data.transports) },
    clientExtensionResults: {},
  };
}

export function parseAuthenticationResponse(value: unknown): AuthenticationResponseJSON | null {
  const parts = normalize(value);
  if (!parts) return null;
  const { outer, inner } = parts;
  const head = envelope.safeParse({
    ...outer,
    rawId: outer.rawId ?? outer.raw_id ?? outer.id,
    type: outer.type ?? "public-key",
  });
  const userHandle = pick(inner, "userHandle", "user_handle");
  const body = assertion.safeParse({
    clientDataJSON: pick(inner, "clientDataJSON", "client_data_json"),
    authenticatorData: pick(inner, "authenticatorData", "authenticator_data"),
    signature: inner.signature,
    userHandle: userHandle === null || userHandle === "" ? undefined : userHandle,
  });
  if (!head.success || !body.success) return null;
  return { ...head.data, response: body.data, clientExtensionResults: {} };
}

/** The challenge a response claims to answer (from its clientDataJSON), or null if unreadable. */
export function challengeOf(response: { response: { clientDataJSON: string } }): string | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString("utf8"));
    const challenge =
      typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).challenge : undefined;
    return typeof challenge === "string" && challenge.length > 0 && challenge.length <= 512 ? challenge : null;
  } catch {
    return null;
  }
}
