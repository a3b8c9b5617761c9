/**
 * Password hashing. New hashes are argon2id at OWASP's parameters; bcrypt, older
 * argon2 and PBKDF2 hashes imported from other systems (./imported-hashes.ts says
 * which forms, at what cost) still verify and are flagged for rehash.
 * Every hash and verification waits its turn in ./password-queue.ts (a slot of
 * PASSWORD_HASH_CONCURRENCY; an anonymous sign-in from an unknown browser, in the
 * strangers' lane).
 */
import "server-only";
import argon2 from "argon2";
import bcrypt from "@node-rs/bcrypt";
import { isPbkdf2Hash, verifyPbkdf2 } from "./imported-hashes";
import { inHashSlot, type CheckLane } from "./password-queue";

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => argon2.hash(password, ARGON2_OPTIONS));
}

function isBcryptHash(hash: string): boolean {
  return /^\$2[abxy]\$\d{2}\$/.test(hash);
}

/** `lane`: whose check it is (./password-queue.ts); an anonymous sign-in says, everything else is "known". */
export async function verifyPassword(hash: string, password: string, lane: CheckLane = "known"): Promise<boolean> {
  try {
    if (isBcryptHash(hash)) return await inHashSlot(() => bcrypt.verify(password, hash), lane);
    if (isPbkdf2Hash(hash)) return await inHashSlot(() => verifyPbkdf2(hash, password), lane);
    return await inHashSlot(() => argon2.verify(hash, password), lane);
  } catch {
    // A malformed stored hash is a failed verification, never a crash.
    return false;
  }
}

/** True when the stored hash is not argon2id at the current parameters. */
export function needsRehash(hash: string): boolean {
  // argon2.needsRehash compares parameters only, not the variant: argon2i/argon2d must upgrade too.
  if (!hash.startsWith("$argon2id$")) return true;
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for sign-ins with an unknown
 * email, so response time does not reveal whether an account exists.
 */
export async function verifyAgainstDummy(password: string, lane: CheckLane = "known"): Promise<false> {
  dummyHash ??= hashPassword("latchkey-dummy-password-for-timing");
  const hash = await dummyHash;
  await inHashSlot(() => argon2.verify(hash, password), lane);
  return false;
}
