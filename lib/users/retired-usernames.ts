/**
 * Retired usernames (review 29): when a username stops being someone's — the person is deleted, or renamed
 * to another username by anyone — it is held back for USERNAME_HOLD_DAYS. Meanwhile nobody else may take it
 * (an admin's create or rename, a self-rename on Profile, an invite, a generated name all see it as taken:
 * ./blind-index-lookup.ts reads it with the holders), while the person it belonged to (same user id) may take
 * it back, so a rename is undone freely (taking it back ends the hold: moveUsername). An app that keys accounts
 * on preferred_username instead of `sub` would otherwise hand the old person's account to whoever took the name next.
 *
 * A retired name is found by the username's blind index, like a held one; it is also sealed (AES-256-GCM,
 * bound to the row) only so a key rotation can recompute that index (lib/ops/encrypted-columns.ts). It is
 * never stored in the clear. Rows past the period are ignored by the lookups and pruned by the maintenance job.
 *
 * Settings → Identity providers lists the names held back (settings:read and users:read) and the owner may release one early
 * (settings:sign_in, the owner's alone, like every decision about who a sign-in vouches for): an on-record choice
 * that the apps keyed on that name may now see someone new under it.
 */
import "server-only";
import crypto from "node:crypto";
import { and, count, desc, eq, gte, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan, can } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import { usernameBlindIndex, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { write, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { retiredUsernames } from "@/lib/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import type { ListParams } from "@/lib/http/list-params";
import { usersSeenBy } from "./queries";
import { USERNAME_HOLD_DAYS } from "./username-rule";

export { USERNAME_HOLD_DAYS };
const HOLD_MS = USERNAME_HOLD_DAYS * 24 * 60 * 60 * 1000;

/** What the sealed copy is bound to: its row. */
const sealedContext = (id: string) => ({ table: "retired_usernames", column: "username", rowId: id });

/** The earliest retiring time (epoch ms) still held back at `now`. */
export function retiredHeldSince(now: Date = new Date()): number {
  return now.getTime() - HOLD_MS;
}

/** The rows still held back now (the list's and the release's condition; the lookups' is ./blind-index-lookup.ts). */
const stillHeld = () => gte(retiredUsernames.retiredAt, new Date(retiredHeldSince()));

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
    usernameCiphertext: encryptField(name, sealedContext(id)),
    usernameIndex: usernameBlindIndex(name),
    formerUserId,
    retiredAt: now,
  });
}

/**
 * How many usernames would be held back for this person once their username moves from `from` to `to` (moveUsername):
 * those held now, less `to` (taken back, it stops being held), plus `from` unless it is `to` by another spelling (a
 * change of case or width holds nothing). The one count a bound on their own changes compares.
 */
export async function countHeldAfterMove(tx: Tx, accountId: string, formerUserId: string, from: string, to: string): Promise<number> {
  const [{ held }] = await tx
    .select({ held: count() })
    .from(retiredUsernames)
    .where(
      and(
        eq(retiredUsernames.accountId, accountId),
        eq(retiredUsernames.formerUserId, formerUserId),
        stillHeld(),
        notInArray(retiredUsernames.usernameIndex, usernameBlindIndexes(to)),
      ),
    );
  const given = from.trim();
  const sameName = !given || usernameBlindIndexes(to.trim()).includes(usernameBlindIndex(given));
  return held + (sameName ? 0 : 1);
}

/**
 * A person's username changes from `from` to `to`, in the transaction that changes it: `from` is held back for them,
 * and a hold on `to` that was theirs ends, for they have it again (a rename undone): Settings → Usernames no longer
 * lists it, and the owner can't release a name someone holds. The hold is dropped after `from` is held, so a
 * change of case alone (the same name) leaves nothing held either.
 */
export async function moveUsername(tx: Tx, accountId: string, userId: string, from: string, to: string): Promise<void> {
  await retireUsername(tx, accountId, userId, from);
  const name = to.trim();
  if (!name) return;
  await tx
    .delete(retiredUsernames)
    .where(
      and(eq(retiredUsernames.accountId, accountId), eq(retiredUsernames.formerUserId, userId), inArray(retiredUsernames.usernameIndex, usernameBlindIndexes(name))),
    );
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

/** Who may see the held-back names: a sign-in setting's state (settings:read) that names people (users:read). Admins, auditors and the owner hold both. */
export function mayListHeldBack(actor: Actor): boolean {
  return can(actor, "settings:read") && can(actor, "users:read");
}

export type RetiredUsername = {
  id: string;
  username: string;
  retiredAt: Date;
  /** When it is free for anyone again. */
  heldUntil: Date;
  formerUserId: string;
  /** The person it came from as they are now (renamed), or null: deleted, or not someone the reader may see. */
  formerHolder: { id: string; name: string; username: string } | null;
};

const RELEASE_REFUSED = "Only the owner can release a held-back username";

/**
 * The usernames held back now, the most recently freed first; `search` is a whole username (found by its blind
 * index, in any case or Unicode form a username compares equal in). Total counts every match.
 */
export async function listRetiredUsernames(actor: Actor, params: ListParams): Promise<{ items: RetiredUsername[]; total: number }> {
  if (!mayListHeldBack(actor)) throw new Forbidden("Only admins, auditors and the owner can see held-back usernames");
  const conditions: SQL[] = [eq(retiredUsernames.accountId, actor.accountId), stillHeld()];
  if (params.search) conditions.push(inArray(retiredUsernames.usernameIndex, usernameBlindIndexes(params.search)));
  const where = and(...conditions);
  const page = db().select().from(retiredUsernames).where(where).orderBy(desc(retiredUsernames.retiredAt), retiredUsernames.id).offset(params.offset);
  const [rows, [{ total }]] = await Promise.all([
    params.limit === undefined ? page : page.limit(params.limit),
    db().select({ total: count() }).from(retiredUsernames).where(where),
  ]);
  const holders = await usersSeenBy(actor, new Set(rows.map((r) => r.formerUserId)));
  const items = rows.map((row): RetiredUsername => {
    const holder = holders.get(row.formerUserId);
    return {
      id: row.id,
      username: decryptField(row.usernameCiphertext, sealedContext(row.id)),
      retiredAt: row.retiredAt,
      heldUntil: new Date(row.retiredAt.getTime() + HOLD_MS),
      formerUserId: row.formerUserId,
      formerHolder: holder ? { id: holder.id, name: holder.name, username: holder.username } : null,
    };
  });
  return { items, total };
}

/**
 * The owner frees a held-back username before its period ends: anyone may take it at once. Recorded with the
 * name (sealed, as every label) and whose it was. A name no longer held (released, taken back, past its period)
 * or another account's is "not found".
 */
export async function releaseRetiredUsername(actor: Actor, id: string, meta: RequestMeta): Promise<{ username: string }> {
  assertCan(actor, "settings:sign_in", RELEASE_REFUSED);
  return write(actor, async (tx, me) => {
    assertCan(me, "settings:sign_in", RELEASE_REFUSED);
    const [row] = await tx
      .delete(retiredUsernames)
      .where(and(eq(retiredUsernames.id, id), eq(retiredUsernames.accountId, me.accountId), stillHeld()))
      .returning();
    if (!row) throw new NotFound("Held-back username");
    const username = decryptField(row.usernameCiphertext, sealedContext(row.id));
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "username.released",
      actor: me,
      target: { type: "username", id: row.id, label: username },
      details: { former_user_id: row.formerUserId, retired_at: row.retiredAt.toISOString() },
      meta,
    });
    return { username };
  });
}
