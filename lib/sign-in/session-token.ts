/**
 * The session cookie's token, written and read exactly as Auth.js's own
 * `encode`/`decode` (@auth/core/jwt) do it: a JWE (`dir`, A256CBC-HS512) under
 * a key derived from the secret by HKDF-SHA-256 with the cookie's name as
 * salt, the key's JWK thumbprint as `kid`, 15 s of clock tolerance. Cookies
 * either one wrote, the other reads.
 *
 * Why a copy: Auth.js derives the key and computes its thumbprint (a WebCrypto
 * SHA-512) on every call, about 0.35 ms of main-thread CPU per sign-in and
 * more per cookie-authenticated request ("Round 8 — sign-in hashing" in
 * docs/benchmarks.md). Both depend only on the secret and the cookie's name,
 * so they are computed once per pair here. The JWE itself is jose's, as in
 * Auth.js; the key derivation is Node's HKDF, as @panva/hkdf does on Node.
 *
 * A token read once is remembered (decodedTokens below): every dashboard page
 * and server action reads the same cookie, and jose's A256CBC-HS512 decrypt is
 * seven WebCrypto calls, five of them a round trip to libuv's thread pool, which
 * runs at a lower priority (scripts/thread-pool-priority.cjs) and so waits
 * behind any busy core ("Round 14: Users first page" in docs/benchmarks.md).
 */
import "server-only";
import crypto from "node:crypto";
import { EncryptJWT, base64url, calculateJwkThumbprint, jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams, JWTEncodeParams } from "next-auth/jwt";

const ALG = "dir";
const ENC = "A256CBC-HS512";
/** Auth.js's default when no maxAge is given (ours always gives the session's). */
const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** Secrets × cookie names in use are a handful; the bound only keeps a misuse from growing memory. */
const MAX_KEYS = 16;
/** As in Auth.js's decode: an `exp` up to 15 s past still counts. */
const CLOCK_TOLERANCE_SECONDS = 15;
/** Tokens remembered after a successful decode: about one per signed-in browser, ~0.7 KB each. */
const MAX_DECODED_TOKENS = 2_000;

type DerivedKey = { key: Uint8Array; kid: string };

const derivedKeys = new Map<string, Promise<DerivedKey>>();

/** The content key for `enc` under `secret` and `salt`, with its thumbprint: derived once, then reused. */
function derivedKey(enc: string, secret: string, salt: string): Promise<DerivedKey> {
  const length = enc === "A256CBC-HS512" ? 64 : enc === "A256GCM" ? 32 : 0;
  if (length === 0) return Promise.reject(new Error("Unsupported JWT Content Encryption Algorithm"));
  const cacheKey = `${enc}\u0000${salt}\u0000${secret}`;
  let entry = derivedKeys.get(cacheKey);
  if (!entry) {
    if (derivedKeys.size >= MAX_KEYS) derivedKeys.clear();
    entry = (async () => {
      const key = new Uint8Array(crypto.hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length));
      const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, length === 64 ? "sha512" : "sha256");
      return { key, kid };
    })();
    derivedKeys.set(cacheKey, entry);
    entry.catch(() => derivedKeys.delete(cacheKey));
  }
  return entry;
}

const secretsOf = (secret: string | string[]) => (Array.isArray(secret) ? secret : [secret]);

export async function encodeSessionToken({ token = {}, secret, maxAge = DEFAULT_MAX_AGE_SECONDS, salt }: JWTEncodeParams): Promise<string> {
  const { key, kid } = await derivedKey(ENC, secretsOf(secret)[0], salt);
  return new EncryptJWT(token)
    .setProtectedHeader({ alg: ALG, enc: ENC, kid })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + maxAge)
    .setJti(crypto.randomUUID())
    .encrypt(key);
}

/**
 * Payloads of tokens that decoded successfully, by token, cookie name and secrets. Decoding is a pure
 * function of those three and the clock, and the clock only matters through `exp` (checked again on
 * every hit; an `nbf` that passed stays passed), so a hit answers exactly as a decode would. Only
 * tokens that decrypted under the secret get in: a forged or tampered cookie is never remembered.
 * Revocation is unaffected: the caller checks the session row on every request (lib/sessions).
 * An optimisation only; each process keeps its own, and a restart empties it.
 */
const decodedTokens = new Map<string, JWT>();

function stillValid(payload: JWT): boolean {
  const exp = payload.exp;
  return typeof exp !== "number" || exp > Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_SECONDS;
}

export async function decodeSessionToken({ token, secret, salt }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const cacheKey = `${salt}\u0000${secretsOf(secret).join("\u0000")}\u0000${token}`;
  const known = decodedTokens.get(cacheKey);
  // A copy: Auth.js's session route hands the payload to the jwt callback and re-encodes it.
  if (known && stillValid(known)) return { ...known };
  decodedTokens.delete(cacheKey);
  const payload = await decryptSessionToken(token, secret, salt);
  if (decodedTokens.size >= MAX_DECODED_TOKENS) decodedTokens.delete(decodedTokens.keys().next().value!);
  decodedTokens.set(cacheKey, { ...payload });
  return payload;
}

async function decryptSessionToken(token: string, secret: string | string[], salt: string): Promise<JWT> {
  const { payload } = await jwtDecrypt(
    token,
    async ({ kid, enc }) => {
      for (const candidate of secretsOf(secret)) {
        const derived = await derivedKey(enc, candidate, salt);
        if (kid === undefined || kid === derived.kid) return derived.key;
      }
      throw new Error("no matching decryption secret");
    },
    { clockTolerance: CLOCK_TOLERANCE_SECONDS, keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: [ENC, "A256GCM"] },
  );
  return payload as JWT;
}
