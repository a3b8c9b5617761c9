/**
 * How far a key rotation's re-sealing of an account's activity chain got (lib/ops/chain-reseal.ts), kept in
 * meta as `key_rotation.chain.<account>` = "<key id>:<seq>:<old hash>": the key it re-seals under, the last
 * event it re-sealed, and that event's hash before (review 24). Between two batches, and after a rotation
 * stopped part-way, the next event still names that old hash, so the check (./verify.ts) accepts exactly that
 * link while the rotation to the current key is unfinished. The row is plain data, but accepting it lends
 * nothing: every event stays sealed under a key (its seq and account in its hash), so nobody without the key
 * can put an event there. A completed rotation removes the row.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { keyRing } from "@/lib/crypto/keys";
import type { Db } from "@/lib/db/engine";
import { meta } from "@/lib/db/schema";

export const RESEAL_CURSOR_PREFIX = "key_rotation.chain.";
const cursorKey = (accountId: string) => `${RESEAL_CURSOR_PREFIX}${accountId}`;

export type ResealCursor = { seq: number; oldHash: string | null };

/** The walk of this account towards the current key (seq 0: not started, or towards another key). */
export async function resealCursor(q: Db, accountId: string): Promise<ResealCursor> {
  const [row] = await q.select({ value: meta.value }).from(meta).where(eq(meta.key, cursorKey(accountId))).limit(1);
  if (!row) return { seq: 0, oldHash: null };
  const [keyId, seq, oldHash] = row.value.split(":");
  return keyId === keyRing().keyId ? { seq: Number(seq), oldHash: oldHash || null } : { seq: 0, oldHash: null };
}

export async function saveResealCursor(tx: Db, accountId: string, seq: number, oldHash: string | null): Promise<void> {
  const value = `${keyRing().keyId}:${seq}:${oldHash ?? ""}`;
  await tx.insert(meta).values({ key: cursorKey(accountId), value }).onConflictDoUpdate({ target: meta.key, set: { value } });
}
