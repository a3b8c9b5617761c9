/**
 * Encryption of personal data at rest: AES-256-GCM with a random 96-bit nonce
 * per value. The associated data binds a ciphertext to its table, column and
 * row, so a value copied onto another row or column fails to decrypt.
 * Stored form: "<keyId>.<base64url(nonce | ciphertext | tag)>".
 */
import "server-only";
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { keyRing, keySetById } from "./keys";

export type FieldContext = { table: string; column: string; rowId: string };

export class DecryptionError extends Error {}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function associatedData({ table, column, rowId }: FieldContext): Buffer {
  return Buffer.from(`${table}\u0000${column}\u0000${rowId}`, "utf8");
}

export function encryptField(plaintext: string, context: FieldContext): string {
  const { keyId, piiKey } = keyRing();
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", piiKey, nonce);
  cipher.setAAD(associatedData(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
  return `${keyId}.${sealed.toString("base64url")}`;
}

/**
 * Recently decrypted values, keyed by the key in use, the stored value AND its
 * table, column and row: a ciphertext never changes meaning (a changed value is a new
 * ciphertext with a new nonce), so an entry never goes stale, and a value
 * copied onto another row misses the cache and fails authentication as
 * before. Lists ask for the same rows over and over (the first page of users,
 * a search being typed); one AES-GCM open costs ~15 µs, a hit well under 1 µs.
 * Bounded, so a process holds a small working set of personal data in memory,
 * not the directory.
 */
const opened = new LRUCache<string, string>({ max: 20_000 });

export function decryptField(stored: string, context: FieldContext): string {
  const cacheKey = `${keyRing().keyId}\u0000${context.table}\u0000${context.column}\u0000${context.rowId}\u0000${stored}`;
  const hit = opened.get(cacheKey);
  if (hit !== undefined) return hit;
  const plaintext = openField(stored, context);
  opened.set(cacheKey, plaintext);
  return plaintext;
}

/**
 * The same without the cache: for values read once and never again (the
 * OpenID provider's token payloads: each rotation seals a new one), which
 * would only push the directory's names out of the cache and hold kilobytes
 * of token state in memory.
 */
export function decryptFieldUncached(stored: string, context: FieldContext): string {
  return openField(stored, context);
}

/** The id of the key a stored value was sealed with ("" when it is not in the stored form). */
export function storedKeyId(stored: string): string {
  const dot = stored.indexOf(".");
  return dot < 0 ? "" : stored.slice(0, dot);
}

/**
 * The value sealed again under the current key, or null when it already is
 * (key rotation, lib/ops/key-rotation.ts). The same table, column and row:
 * a re-encrypted value is bound where it was.
 */
export function reencryptField(stored: string, context: FieldContext): string | null {
  if (storedKeyId(stored) === keyRing().keyId) return null;
  return encryptField(openField(stored, context), context);
}

function openField(stored: string, context: FieldContext): string {
  const dot = stored.indexOf(".");
  if (dot < 0) throw new DecryptionError(`value in ${context.table}.${context.column} is not in the encrypted format`);
  const storedKeyId = stored.slice(0, dot);
  // The current key, or a previous one while a rotation runs (ENCRYPTION_KEY_PREVIOUS).
  const keys = keySetById(storedKeyId);
  if (!keys) {
    throw new DecryptionError(
      `value in ${context.table}.${context.column} was encrypted with key "${storedKeyId}", not the configured key "${keyRing().keyId}"`,
    );
  }
  const sealed = Buffer.from(stored.slice(dot + 1), "base64url");
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError("ciphertext too short");
  const decipher = crypto.createDecipheriv("aes-256-gcm", keys.piiKey, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(associatedData(context));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError(`value in ${context.table}.${context.column} failed authentication`);
  }
}
