/**
 * Shown-once secrets in a scanner-friendly format (as GitHub's tokens):
 * "<prefix>_" + 30 random base62 characters + 6 base62 characters of the
 * CRC32 of the random part. The checksum lets us reject typos and garbage
 * without touching the database; only the SHA-256 digest is ever stored.
 */
import "server-only";
import crypto from "node:crypto";
import zlib from "node:zlib";
import { SECRET_TOKEN_LENGTH, type TokenPrefix } from "./token-prefixes";

export { TOKEN_PREFIXES, type TokenPrefix } from "./token-prefixes";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 30;
const CHECKSUM_LENGTH = 6;

function encodeBase62(value: number, width: number): string {
  let out = "";
  let n = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** Uniformly random base62 text from the system CSPRNG. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    // Rejection sampling keeps every character uniform (248 = 4 * 62).
    for (const byte of crypto.randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function checksum(secret: string): string {
  // 62^6 > 2^32, so the whole CRC32 fits in six characters.
  return encodeBase62(zlib.crc32(secret), CHECKSUM_LENGTH);
}

export function digestToken(plain: string): string {
  // The one-shot crypto.hash (Node ≥ 20.12) is several times faster than createHash for a short input;
  // this runs on every API request that carries a token.
  return typeof crypto.hash === "function"
    ? crypto.hash("sha256", plain, "hex")
    : crypto.createHash("sha256").update(plain, "utf8").digest("hex");
}

export function mintSecretToken(prefix: TokenPrefix): { plain: string; digest: string } {
  const secret = randomBase62(SECRET_LENGTH);
  const plain = `${prefix}_${secret}${checksum(secret)}`;
  return { plain, digest: digestToken(plain) };
}

const TOKEN_LENGTH = SECRET_TOKEN_LENGTH; // 4 + SECRET_LENGTH + CHECKSUM_LENGTH

/** The value of one base62 character, or -1. */
function base62Value(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 90) return code - 55; // A-Z
  if (code >= 97 && code <= 122) return code - 61; // a-z
  return -1;
}

/**
 * True when the token has the prefix, the length and a matching checksum. Pure: no I/O.
 * Character by character rather than a regular expression and a re-encoded checksum: it runs
 * before every API request's lookup, so it allocates nothing but the secret's substring.
 */
export function isWellFormedToken(candidate: string, prefix: TokenPrefix): boolean {
  if (candidate.length !== TOKEN_LENGTH || candidate.charCodeAt(3) !== 95 /* _ */ || !candidate.startsWith(prefix)) return false;
  for (let i = 4; i < 4 + SECRET_LENGTH; i++) if (base62Value(candidate.charCodeAt(i)) < 0) return false;
  // The checksum's six characters, read back into the CRC32 they encode (most significant first).
  let sum = 0;
  for (let i = 4 + SECRET_LENGTH; i < TOKEN_LENGTH; i++) {
    const digit = base62Value(candidate.charCodeAt(i));
    if (digit < 0) return false;
    sum = sum * 62 + digit;
  }
  return sum === zlib.crc32(candidate.slice(4, 4 + SECRET_LENGTH));
}
