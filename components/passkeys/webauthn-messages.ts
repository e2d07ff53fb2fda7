import { WebAuthnError } from "@simplewebauthn/browser";

/** True when a newer ceremony replaced this one (e.g. the button took over from autofill). */
export function wasSuperseded(error: unknown): boolean {
  return error instanceof WebAuthnError && error.code === "ERROR_CEREMONY_ABORTED";
}

/**
 * What to tell the user when the browser's passkey prompt fails. Browsers deliberately answer
 * "cancelled", "timed out" and "no passkey on this device" with the same NotAllowedError.
 */
export function describeWebAuthnError(error: unknown, ceremony: "create" | "get"): string {
  const code = error instanceof WebAuthnError ? error.code : undefined;
  const cause = error instanceof WebAuthnError ? error.cause : error;
  const name = cause instanceof Error ? cause.name : "";
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || (ceremony === "create" && name === "InvalidStateError")) {
    return "This device or password manager already holds a passkey for your account.";
  }
  if (code === "ERROR_INVALID_DOMAIN" || code === "ERROR_INVALID_RP_ID" || name === "SecurityError") {
    return "Passkeys are not available on this address. Open the site at its usual address (over HTTPS) and try again.";
  }
  if (name === "NotSupportedError" || code === "ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG") {
    return "This device has no authenticator that can be used here. Try another device or a security key.";
  }
  if (name === "NotAllowedError" || name === "AbortError") {
    return ceremony === "create"
      ? "No passkey was created: the prompt was cancelled or timed out. Try again when you're ready."
      : "No passkey was used: the prompt was cancelled or timed out, or this device has no passkey for this site.";
  }
  if (error instanceof Error && /not supported|WebAuthn is not supported/i.test(error.message)) {
    return "This browser does not support passkeys.";
  }
  return "The passkey prompt failed. Try again, or use another way to sign in.";
}
