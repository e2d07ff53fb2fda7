import { describe, expect, it } from "vitest";
import { authenticatorName, defaultPasskeyName } from "@/lib/auth/passkeys/authenticator-names";
import { cleanPasskeyName } from "@/lib/auth/passkeys/user-passkeys";
import {
  challengeOf,
  knownTransports,
  parseAuthenticationResponse,
  parseRegistrationResponse,
} from "@/lib/auth/passkeys/credential-responses";

const clientData = Buffer.from(
  JSON.stringify({ type: "webauthn.get", challenge: "abc123", origin: "http://localhost:3000" }),
).toString("base64url");

describe("passkey response parsing", () => {
  it("accepts browser JSON and fills in rawId and type like django-lokdown", () => {
    const parsed = parseAuthenticationResponse({
      id: "AAEC",
      response: { clientDataJSON: clientData, authenticatorData: "AQID", signature: "BAUG" },
    });
    expect(parsed).toMatchObject({ id: "AAEC", rawId: "AAEC", type: "public-key", clientExtensionResults: {} });
    expect(parsed && challengeOf(parsed)).toBe("abc123");
  });

  it("accepts snake_case field names and drops unknown transports", () => {
    const parsed = parseRegistrationResponse({
      id: "AAEC",
      raw_id: "AAEC",
      response: {
        client_data_json: clientData,
        attestation_object: "o2Nm",
        transports: ["usb", "usb", "bogus", "internal"],
      },
    });
    expect(parsed?.response).toEqual({
      clientDataJSON: clientData,
      attestationObject: "o2Nm",
      transports: ["usb", "internal"],
    });
    expect(knownTransports(undefined)).toEqual([]);
  });

  it("refuses anything that is not a credential", () => {
    for (const value of [
      null,
      "x",
      [],
      {},
      { id: "AAEC" },
      { id: "AAEC", response: [] },
      { id: "a b", response: { clientDataJSON: clientData, authenticatorData: "AQ", signature: "AQ" } },
    ]) {
      expect(parseAuthenticationResponse(value)).toBeNull();
      expect(parseRegistrationResponse(value)).toBeNull();
    }
    expect(
      parseAuthenticationResponse({
        id: "AAEC",
        type: "password",
        response: { clientDataJSON: clientData, authenticatorData: "AQ", signature: "AQ" },
      }),
    ).toBeNull();
    expect(challengeOf({ response: { clientDataJSON: "bm90IGpzb24" } })).toBeNull();
  });
});

describe("passkey names", () => {
  it("name well-known authenticators by AAGUID, case-insensitively", () => {
    expect(authenticatorName("FBFC3007-154E-4ECC-8C0B-6E020557D7BD")).toBe("iCloud Keychain");
    expect(defaultPasskeyName("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4")).toBe("Google Password Manager");
    expect(defaultPasskeyName("00000000-0000-0000-0000-000000000000")).toBe("Passkey");
  });

  it("keep user names printable, single-line and short", () => {
    expect(cleanPasskeyName("  My\u200b\tphone\n ")).toBe("My phone");
    expect(cleanPasskeyName("x".repeat(100))).toHaveLength(64);
    expect(cleanPasskeyName(undefined)).toBe("");
  });
});
