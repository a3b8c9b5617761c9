/**
 * Retired usernames (review 29): when a username stops being someone's — the person is deleted, or renamed
 * to another username by anyone — it is held back for USERNAME_HOLD_DAYS. Meanwhile nobody else may take it
 * (an admin's create or rename, a self-rename on Profile, an invite, a generated name all see it as taken:
 * ./blind-index-lookup.ts reads it with the holders), while the person it belonged to (same user id) may take
 * it back, so a rename is undone freely. An app that keys accounts on preferred_username instead of `sub`
 * would otherwise hand the old person's account to whoever took the name next.
 *
 * A retired name is found by the username's blind index, like a held one; it is also sealed (AES-256-GCM,
 * bound to the row) only so a key rotation can recompute that index (lib/ops/encrypted-columns.ts). It is
 * never stored in the clear. Rows past the period are ignored by the lookups and pruned by the maintenance job.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray, lt } from "drizzle-orm";
import { encryptField } from "@/lib/crypto/aead";
import { usernameBlindIndex, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { writeSystem } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { retiredUsernames } from "@/lib/db/schema";

/**
 * 30 days: longer than an app's usual session or token lifetime and a typical off-boarding (someone removes the
 * person from the apps keyed on their username), short enough that a name freed by a mistake or a departure is
 * usable again within a month. The former holder is never kept out, so undoing a rename needs no wait.
 */
export const USERNAME_HOLD_DAYS = 30;
const HOLD_MS = USERNAME_HOLD_DAYS * 24 * 60 * 60 * 1000;

/** The earliest retiring time (epoch ms) still held back at `now`. */
export function retiredHeldSince(now: Date = new Date()): number {
  return now.getTime() - HOLD_MS;
}

/**
 * Holds `username` back for the person who had it (userId), from now, in the transaction that takes it from
 * them. A row for the same name (under any readable key) is replaced: the newest former holder is the one who
 * may take it back. "" (a row from before usernames) has nothing to hold.
 */
export async function retireUsername(tx: Tx, accountId: string, formerUserId: string, username: string, now: Date = new Date()): Promise<void> {
  const name = username.trim();
  if (!name) return;
  await tx
    .delete(retiredUsernames)
    .where(and(eq(retiredUsernames.accountId, accountId), inArray(retiredUsernames.usernameIndex, usernameBlindIndexes(name))));
  const id = crypto.randomUUID();
  await tx.insert(retiredUsernames).values({
    id,
    accountId,
    usernameCiphertext: encryptField(name, { table: "retired_usernames", column: "username", rowId: id }),
    usernameIndex: usernameBlindIndex(name),
    formerUserId,
    retiredAt: now,
  });
}

/** Drops the rows whose holding period is over (the lookups already ignore them); how many went. */
export async function pruneRetiredUsernames(now: Date = new Date()): Promise<number> {
  const gone = await writeSystem((tx) =>
    tx
      .delete(retiredUsernames)
      .where(lt(retiredUsernames.retiredAt, new Date(retiredHeldSince(now))))
      .returning({ id: retiredUsernames.id }),
  );
  return gone.length;
}
