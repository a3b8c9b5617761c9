/**
 * Recovery codes: ten single-use codes, shown once, for a person who lost
 * their authenticator. Each is 80 random bits (16 base32 characters, shown as
 * four groups of four). Only a SHA-256 digest of (user id, code) is stored, as
 * for access tokens: with 80 bits of entropy a fast digest can't be reversed
 * by guessing, so a slow password hash would add cost without adding safety,
 * and the user id in the digest makes one user's table useless for another.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { Secret } from "otpauth";
import { digestToken } from "@/lib/crypto/secret-tokens";
import type { Db, Tx } from "@/lib/db/database";
import { mfaRecoveryCodes } from "@/lib/db/schema";

export const RECOVERY_CODE_COUNT = 10;
/** Below this many unused codes, the person is told to make new ones. */
export const RECOVERY_CODES_LOW = 3;

/** "abcd-efgh-ijkl-mnop": lower-case base32, which has no 0/O or 1/l to confuse. */
function newRecoveryCode(): string {
  const base32 = new Secret({ size: 10 }).base32.toLowerCase();
  return base32.match(/.{4}/g)!.join("-");
}

/** What the person typed, as it was generated: case, spaces and dashes don't matter. */
export function normaliseRecoveryCode(input: string): string | null {
  const bare = input.toLowerCase().replace(/[\s-]+/g, "");
  return /^[a-z2-7]{16}$/.test(bare) ? bare : null;
}

export function looksLikeRecoveryCode(input: string): boolean {
  return normaliseRecoveryCode(input) !== null;
}

function recoveryCodeDigest(userId: string, normalised: string): string {
  return digestToken(`${userId}\u0000${normalised}`);
}

/** Replaces the user's codes with ten new ones (the old ones stop working); returns them, to show once. */
export async function replaceRecoveryCodes(tx: Tx, accountId: string, userId: string, now: Date): Promise<string[]> {
  await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.insert(mfaRecoveryCodes).values(
    codes.map((code) => ({
      id: crypto.randomUUID(),
      accountId,
      userId,
      codeDigest: recoveryCodeDigest(userId, normaliseRecoveryCode(code)!),
      createdAt: now,
    })),
  );
  return codes;
}

/** Uses up one code: true once per code, false for a wrong or already used one. */
export async function consumeRecoveryCode(tx: Tx, userId: string, input: string, now: Date): Promise<boolean> {
  const normalised = normaliseRecoveryCode(input);
  if (!normalised) return false;
  const used = await tx
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeDigest, recoveryCodeDigest(userId, normalised)),
        isNull(mfaRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: mfaRecoveryCodes.id });
  return used.length === 1;
}

export async function recoveryCodesLeft(q: Db | Tx, userId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`CAST(count(*) AS INTEGER)` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}

export async function deleteRecoveryCodes(tx: Tx, userId: string): Promise<void> {
  await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
}
