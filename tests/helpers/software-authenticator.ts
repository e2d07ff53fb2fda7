import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A WebAuthn authenticator in software, for tests: an ES256 key pair per credential, real CBOR
 * attestation objects ("none" format), real authenticator data and real signatures. Every field a
 * browser or authenticator controls can be overridden to forge the bad cases.
 */

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export type Credential = {
  id: string;
  privateKey: KeyObject;
  cosePublicKey: Uint8Array;
  counter: number;
  userHandle: string;
  rpId: string;
};

type Ceremony = {
  origin?: string;
  rpId?: string;
  challenge?: string;
  type?: string;
  userPresent?: boolean;
  userVerified?: boolean;
};

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString("base64url");

function u32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}

function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  if (!jwk.x || !jwk.y) throw new Error("expected an EC public key");
  // kty EC2, alg ES256, crv P-256, x, y (RFC 9053).
  return isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x, "base64url"))],
      [-3, new Uint8Array(Buffer.from(jwk.y, "base64url"))],
    ]),
  );
}

function flags(c: Ceremony, extra = 0): number {
  return (c.userPresent === false ? 0 : FLAG.UP) | (c.userVerified === false ? 0 : FLAG.UV) | extra;
}

export class SoftwareAuthenticator {
  readonly credentials = new Map<string, Credential>();

  constructor(
    readonly origin: string,
    readonly aaguid = "00000000-0000-0000-0000-000000000000",
    /** Sets the backup-eligible and backed-up flags (a synced passkey). */
    readonly synced = false,
  ) {}

  private clientData(type: string, challenge: string, origin: string): string {
    return b64url(Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })));
  }

  /** navigator.credentials.create() for options from the server; returns RegistrationResponseJSON. */
  register(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    c: Ceremony & { transports?: string[] } = {},
  ) {
    const rpId = c.rpId ?? options.rp.id ?? "localhost";
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rawId = randomBytes(16);
    const cosePublicKey = coseKey(publicKey);
    const sync = this.synced ? FLAG.BE | FLAG.BS : 0;
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([flags(c, FLAG.AT | sync)]),
      u32(0),
      Buffer.from(this.aaguid.replace(/-/g, ""), "hex"),
      Buffer.from([rawId.length >> 8, rawId.length & 0xff]),
      rawId,
      cosePublicKey,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    const id = b64url(rawId);
    this.credentials.set(id, { id, privateKey, cosePublicKey, counter: 0, userHandle: options.user.id, rpId });
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: this.clientData(
          c.type ?? "webauthn.create",
          c.challenge ?? options.challenge,
          c.origin ?? this.origin,
        ),
        attestationObject: b64url(attestationObject),
        transports: c.transports ?? ["internal", "hybrid"],
      },
    };
  }

  /**
   * navigator.credentials.get(): signs with `credentialId` (default: the only or first credential).
   * The counter goes up by one per assertion unless `counter` says otherwise.
   */
  assert(
    options: { challenge: string; rpId?: string },
    c: Ceremony & {
      credentialId?: string;
      counter?: number;
      userHandle?: string | null;
      backup?: { eligible: boolean; backedUp: boolean };
    } = {},
  ) {
    const credential = c.credentialId ? this.credentials.get(c.credentialId) : [...this.credentials.values()][0];
    if (!credential) throw new Error("no such credential in this authenticator");
    credential.counter = c.counter ?? credential.counter + 1;
    const rpId = c.rpId ?? options.rpId ?? credential.rpId;
    // `backup` forges the BE/BS flags of this one assertion (a credential whose eligibility flips).
    const sync = c.backup
      ? (c.backup.eligible ? FLAG.BE : 0) | (c.backup.backedUp ? FLAG.BS : 0)
      : this.synced
        ? FLAG.BE | FLAG.BS
        : 0;
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags(c, sync)]), u32(credential.counter)]);
    const clientDataJSON = this.clientData(
      c.type ?? "webauthn.get",
      c.challenge ?? options.challenge,
      c.origin ?? this.origin,
    );
    const signature = sign(
      "sha256",
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, "base64url"))]),
      credential.privateKey,
    );
    const userHandle = c.userHandle === undefined ? credential.userHandle : c.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
    };
  }
}
