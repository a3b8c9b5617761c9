/**
 * Usernames stored before they were compared case-folded (lib/crypto/blind-index.ts; the attacker review of
 * usernames) carry the index of their lower-cased form: one with "ß", "ı" or a Greek sigma in the other form
 * than the fold's ("straße", "admın", "νίκοσ") would no longer be found at the sign-in form, and its
 * fold-mate ("strasse", "admin", "νίκος") could be taken beside it. This pass, run at start-up before the
 * server listens (the sign-in form needs it), gives each such user and pending invite the folded index, once
 * per instance.
 *
 * A username whose folded form someone else already holds (two accounts that differed only by case) is the
 * one that moves: it gets the first free numbered form, as a derived username does ("admın2"), and the change
 * is recorded ("user.updated" by "Username check", the old and new username in the private details); an
 * invite's is renumbered the same way. The others keep their username, only its index changes. Each row is
 * re-read and rewritten in a unit of work of its own. When every row has been read it notes so (`meta`);
 * a restored backup from before brings no note, so the pass runs again there.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { invites, meta, users } from "@/lib/db/schema";
import { openInvite, sealInvitePii } from "@/lib/invites/records";
import { findUserRow, openIdentity, openUsername, sealUsername, userLabel } from "@/lib/users/records";
import { indexUser } from "@/lib/users/search-source";
import { allocateUsername } from "@/lib/users/username";

/** The `meta` row that says every stored username's index is its folded form's. */
export const USERNAMES_FOLDED = "users.username_index_folded";
const ACTOR = { type: "system" as const, id: null, label: "Username check" };

/** Whether the stored index is the folded username's (under any readable key: a key rotation may be under way). */
const folded = (username: string, index: string | null) => index !== null && usernameBlindIndexes(username).includes(index);

async function refoldUser(accountId: string, userId: string, at: Date): Promise<boolean> {
  return writeSystem(async (tx) => {
    const row = await findUserRow(tx, accountId, userId);
    if (!row?.usernameCiphertext) return false;
    const before = openIdentity(row);
    if (folded(before.username, row.usernameIndex)) return false;
    // Its own, or (someone holds its folded form) the first free numbered form, as for a derived username.
    const username = await allocateUsername(tx, accountId, before.username, userId);
    await tx.update(users).set(sealUsername(userId, username)).where(eq(users.id, userId));
    if (username === before.username) return false;
    await indexUser(tx, { ...before, username });
    await recordEvent(tx, {
      accountId,
      action: "user.updated",
      actor: ACTOR,
      target: { type: "user", id: userId, label: userLabel({ ...before, username }) },
      details: { changed: ["username"], reason: "same_username_in_another_case" },
      privateDetails: { username: { from: before.username, to: username } },
      meta: NO_REQUEST,
      at,
    });
    return true;
  });
}

async function refoldInvite(inviteId: string): Promise<void> {
  await writeSystem(async (tx) => {
    const [row] = await tx.select().from(invites).where(eq(invites.id, inviteId)).limit(1);
    if (!row?.usernameCiphertext) return;
    const invite = openInvite(row);
    if (folded(invite.username!, row.usernameIndex)) return;
    const username = await allocateUsername(tx, invite.accountId, invite.username!);
    const { usernameCiphertext, usernameIndex } = sealInvitePii(invite.id, invite.email, invite.name, username);
    await tx.update(invites).set({ usernameCiphertext, usernameIndex }).where(eq(invites.id, inviteId));
  });
}

async function alreadyDone(): Promise<boolean> {
  const [row] = await db().select({ value: meta.value }).from(meta).where(eq(meta.key, USERNAMES_FOLDED)).limit(1);
  return row !== undefined;
}

/** Moves every stored username to its folded index, once per instance; returns how many users had to be renamed. */
export async function refoldStoredUsernames({ batchSize = 500, now = new Date() }: { batchSize?: number; now?: Date } = {}): Promise<number> {
  if (await alreadyDone()) return 0;
  let renamed = 0;
  for (let after = ""; ; ) {
    const rows = await db()
      .select({ id: users.id, accountId: users.accountId, usernameCiphertext: users.usernameCiphertext, usernameIndex: users.usernameIndex })
      .from(users)
      .where(and(gt(users.id, after), isNotNull(users.usernameCiphertext)))
      .orderBy(asc(users.id))
      .limit(batchSize);
    for (const row of rows) {
      if (!folded(openUsername(row), row.usernameIndex) && (await refoldUser(row.accountId, row.id, now))) renamed += 1;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].id;
  }
  const named = await db().select().from(invites).where(isNotNull(invites.usernameCiphertext));
  for (const row of named) if (!folded(openInvite(row).username!, row.usernameIndex)) await refoldInvite(row.id);
  await writeSystem(async (tx) => {
    await tx.insert(meta).values({ key: USERNAMES_FOLDED, value: now.toISOString() }).onConflictDoNothing();
  });
  return renamed;
}
