import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import { describeWebAuthnError, wasSuperseded } from "./webauthn-messages";

/** The server's answer (`done`), or what to tell the user; no message when a newer prompt replaced this one. */
export type CeremonyOutcome<Done> = { ok: true; done: Done } | { ok: false; error: string | undefined };

type Steps<Begun, Response, Done> = {
  /** Shown when the browser has no WebAuthn at all. */
  unsupported: string;
  /** A server action that answers with the ceremony's options (and whatever `finish` needs), or an error. */
  begin: () => Promise<Begun | { error: string }>;
  /** A server action that checks the browser's response. */
  finish: (begun: Begun, response: Response) => Promise<Done>;
};

async function runCeremony<Options, Response, Begun extends { options: Options }, Done>(
  kind: "create" | "get",
  prompt: (options: Options) => Promise<Response>,
  steps: Steps<Begun, Response, Done>,
): Promise<CeremonyOutcome<Done>> {
  if (!browserSupportsWebAuthn()) return { ok: false, error: steps.unsupported };
  const begun = await steps.begin();
  if ("error" in begun) return { ok: false, error: begun.error };
  let response: Response;
  try {
    response = await prompt(begun.options);
  } catch (failure) {
    return { ok: false, error: wasSuperseded(failure) ? undefined : describeWebAuthnError(failure, kind) };
  }
  return { ok: true, done: await steps.finish(begun, response) };
}

/** Options from the server, the browser's "create a passkey" prompt, the response back to the server. */
export function registerPasskeyInBrowser<Begun extends { options: PublicKeyCredentialCreationOptionsJSON }, Done>(
  steps: Steps<Begun, RegistrationResponseJSON, Done>,
) {
  return runCeremony(
    "create",
    (optionsJSON: PublicKeyCredentialCreationOptionsJSON) => startRegistration({ optionsJSON }),
    steps,
  );
}

/** Options from the server, the browser's "use a passkey" prompt, the response back to the server. */
export function authenticateWithPasskey<Begun extends { options: PublicKeyCredentialRequestOptionsJSON }, Done>(
  steps: Steps<Begun, AuthenticationResponseJSON, Done>,
) {
  return runCeremony(
    "get",
    (optionsJSON: PublicKeyCredentialRequestOptionsJSON) => startAuthentication({ optionsJSON }),
    steps,
  );
}
