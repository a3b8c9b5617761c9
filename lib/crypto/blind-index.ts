/**
 * Email lookup without decryption: an HMAC-SHA-256 of the normalised email
 * under a key derived from the master key. Equal emails (any case, spacing or
 * Unicode form) give equal indexes; the index reveals nothing without the key.
 * Usernames share it (usernameBlindIndex below).
 */
import "server-only";
import crypto from "node:crypto";
import { keyRing, readableKeySets, type KeySet } from "./keys";

/**
 * An email or username as it is compared: trimmed, NFKC, then case-folded. Lower-casing alone kept apart
 * spellings that differ only by case: "ı" (dotless i) and "i" are both "I", "ς" and "σ" both "Σ", "ß" and
 * "ss" both "SS", so "admın" stood beside "admin" (the attacker review of usernames). Lower, upper, lower
 * again makes every spelling with the same capitals compare equal; NFKC again because case mapping may leave
 * a letter decomposed. An ASCII address compares exactly as before (emails are ASCII: lib/users/fields.ts).
 */
export function normaliseEmail(email: string): string {
  return email.trim().normalize("NFKC").toLowerCase().toUpperCase().toLowerCase().normalize("NFKC");
}

/**
 * Lookup of a user by their identity provider's subject (OIDC "sub", LDAP
 * username, proxy header value): an HMAC of the provider id and the exact
 * subject, so equal subjects at two providers give unrelated indexes.
 */
export function idpSubjectBlindIndex(idpId: string, subject: string, keys: KeySet = keyRing()): string {
  return crypto.createHmac("sha256", keys.idpSubjectIndexKey).update(`${idpId}\u0000${subject}`, "utf8").digest("base64url");
}

export function emailBlindIndex(email: string, keys: KeySet = keyRing()): string {
  return crypto.createHmac("sha256", keys.emailIndexKey).update(normaliseEmail(email), "utf8").digest("base64url");
}

/**
 * The activity log's search by client address, the address itself sealed (review 17): an HMAC of the address
 * exactly as recorded (what an admin copies from the log is what was recorded).
 */
export function addressBlindIndex(address: string, keys: KeySet = keyRing()): string {
  return crypto.createHmac("sha256", keys.addressIndexKey).update(address.trim(), "utf8").digest("base64url");
}

/*
 * Lookups use every readable key's index (the current key's first): while a
 * key rotation runs, a row not reached yet still carries its index under the
 * previous key, and must be found (and kept unique) all the same. Writes
 * always store the current key's index.
 */

/** The email's (or username's) index under each readable key: look up with `inArray`. */
export function emailBlindIndexes(email: string): string[] {
  return readableKeySets().map((keys) => emailBlindIndex(email, keys));
}

export function usernameBlindIndexes(username: string): string[] {
  return emailBlindIndexes(username);
}

export function idpSubjectBlindIndexes(idpId: string, subject: string): string[] {
  return readableKeySets().map((keys) => idpSubjectBlindIndex(idpId, subject, keys));
}

/**
 * Username lookup and uniqueness. Deliberately the same HMAC as the email's:
 * a sign-in identifier is found by one index whether it is an email or a
 * username (the two never collide: emails contain "@", usernames can't), and
 * the sign-in throttle keys every identifier by this value, so an unknown
 * username and an unknown email are counted and locked alike.
 */
export function usernameBlindIndex(username: string): string {
  return emailBlindIndex(username);
}

/** The address's index under each readable key (a key rotation re-seals the activity log in batches). */
export function addressBlindIndexes(address: string): string[] {
  return readableKeySets().map((keys) => addressBlindIndex(address, keys));
}
