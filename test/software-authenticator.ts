/**
 * A software passkey for unit tests: an ES256 key pair that answers
 * registration and authentication options the way a platform authenticator
 * does (attestation "none", user present and verified), so lib/mfa's rules
 * run against @simplewebauthn/server's real verification. The browser specs
 * use Chromium's virtual authenticator instead.
 */
import crypto from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => crypto.createHash("sha256").update(data).digest();

export type SoftwarePasskey = {
  credentialId: Buffer;
  userHandle: string | null;
  counter: number;
  register(options: { challenge: string; rp: { id?: string } }, origin: string, over?: { userVerified?: boolean }): Record<string, unknown>;
  assert(options: { challenge: string; rpId?: string }, origin: string, over?: { userVerified?: boolean; credentialId?: Buffer; userHandle?: string | null }): Record<string, unknown>;
};

export function softwarePasskey(userHandle: string | null = null): SoftwarePasskey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
    ]),
  );
  const credentialId = crypto.randomBytes(32);

  function authData(rpId: string, flags: number, counter: number, attested: boolean): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const parts = [sha256(rpId), Buffer.from([flags]), count];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(credentialId.length);
      parts.push(Buffer.alloc(16), len, credentialId, Buffer.from(cose));
    }
    return Buffer.concat(parts);
  }
  const clientData = (type: string, challenge: string, origin: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const flagsOf = (verified: boolean) => 0x01 | (verified ? 0x04 : 0);

  const passkey: SoftwarePasskey = {
    credentialId,
    userHandle,
    counter: 0,
    register(options, origin, over = {}) {
      const data = authData(options.rp.id ?? new URL(origin).hostname, flagsOf(over.userVerified ?? true) | 0x40, passkey.counter, true);
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", new Uint8Array(data)]]) as never);
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64url(clientData("webauthn.create", options.challenge, origin)), attestationObject: b64url(attestationObject), transports: ["internal"] },
        clientExtensionResults: {},
      };
    },
    assert(options, origin, over = {}) {
      passkey.counter += 1;
      const data = authData(options.rpId ?? new URL(origin).hostname, flagsOf(over.userVerified ?? true), passkey.counter, false);
      const client = clientData("webauthn.get", options.challenge, origin);
      const signature = crypto.sign("sha256", Buffer.concat([data, sha256(client)]), privateKey);
      const handle = over.userHandle === undefined ? userHandle : over.userHandle;
      const id = over.credentialId ?? credentialId;
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: "public-key",
        response: {
          clientDataJSON: b64url(client),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          ...(handle ? { userHandle: Buffer.from(handle).toString("base64url") } : {}),
        },
        clientExtensionResults: {},
      };
    },
  };
  return passkey;
}
