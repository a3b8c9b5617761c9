/**
 * Password hashing. New hashes are argon2id at OWASP's parameters; bcrypt
 * hashes imported from other systems still verify and are flagged for rehash.
 * Every hash and verification waits for a slot (PASSWORD_HASH_CONCURRENCY):
 * they run on libuv's thread pool, which compression and file reads share, so
 * a burst of sign-ins would otherwise take every thread and core and make each
 * other response wait behind the hash queue.
 */
import "server-only";
import argon2 from "argon2";
import bcrypt from "@node-rs/bcrypt";
import pLimit, { type LimitFunction } from "p-limit";
import { config } from "@/lib/config";

// On globalThis: Next.js bundles instrumentation (which answers the sign-in form, lib/sign-in/credentials-http.ts)
// and routes separately; the slots are the process's, one limiter for every bundle.
const holder = globalThis as unknown as { latchkeyHashSlots?: LimitFunction };

/** Runs one password computation when a slot is free (at most PASSWORD_HASH_CONCURRENCY at once, in the whole process). */
function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  holder.latchkeyHashSlots ??= pLimit(config().passwordHashConcurrency);
  return holder.latchkeyHashSlots(work);
}

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => argon2.hash(password, ARGON2_OPTIONS));
}

function isBcryptHash(hash: string): boolean {
  return /^\$2[abxy]\$\d{2}\$/.test(hash);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    if (isBcryptHash(hash)) return await inHashSlot(() => bcrypt.verify(password, hash));
    return await inHashSlot(() => argon2.verify(hash, password));
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
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("latchkey-dummy-password-for-timing");
  const hash = await dummyHash;
  await inHashSlot(() => argon2.verify(hash, password));
  return false;
}
