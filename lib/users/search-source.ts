/**
 * Users in the searchable encrypted index (lib/data/search-index.ts): a user
 * is found by their name, email and username. Every path that writes a user's name or
 * email calls indexUser in the same transaction, and every path that deletes
 * a user calls unindexUser, so the index never disagrees with the table.
 * The backfill source reads users that existed before the index.
 * Registered by lib/reactions.ts (the wiring module).
 */
import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { registerSearchSource, type SearchSource } from "@/lib/data/search-backfill";
import { indexEntity, removeEntity } from "@/lib/data/search-index";
import type { Db, Tx } from "@/lib/db/database";
import { searchEntries, searchScopes, users } from "@/lib/db/schema";
import { execute } from "@/lib/db/raw";
import { openIdentity } from "./records";

export const USERS_SCOPE = "users" as const;

/** (Re)indexes a user under their current name, email and username. */
export async function indexUser(
  tx: Tx,
  // username required: a path that re-indexes without it would make the person unfindable by it.
  user: { accountId: string; id: string; name: string; email: string | null; username: string | null },
  options?: { fresh?: boolean },
): Promise<void> {
  await indexEntity(tx, userIndexRef(user), options);
}

/** What a user is found by: their name, email and username. */
export function userIndexRef(user: { accountId: string; id: string; name: string; email: string | null; username: string | null }) {
  return { accountId: user.accountId, scope: USERS_SCOPE, entityId: user.id, fields: [user.name, user.email, user.username || null] };
}

/** Removes a deleted user from the index. */
export async function unindexUser(tx: Tx, accountId: string, userId: string): Promise<void> {
  await removeEntity(tx, { accountId, scope: USERS_SCOPE, entityId: userId });
}

export const usersSearchSource: SearchSource = {
  scope: USERS_SCOPE,
  mode: "replace",
  // Accounts whose users and index entries differ in number: never indexed (an upgrade), or drifted.
  // (A missing and a stale entry that cancel out go unseen: the write paths keep the two in step;
  // this is the safety net, cheap enough to run at every start.)
  unindexedAccounts: sql`SELECT u.account_id FROM ${users} u GROUP BY u.account_id
    HAVING count(*) <> (SELECT count(*) FROM ${searchEntries} e JOIN ${searchScopes} s ON s.id = e.scope_id
                        WHERE s.account_id = u.account_id AND s.scope = ${USERS_SCOPE})`,
  async prune(tx: Tx, accountId: string) {
    await execute(
      tx,
      sql`DELETE FROM ${searchEntries} WHERE scope_id IN (SELECT id FROM ${searchScopes} WHERE account_id = ${accountId} AND scope = ${USERS_SCOPE})
          AND entity_id NOT IN (SELECT id FROM ${users} WHERE account_id = ${accountId})`,
    );
  },
  async batch(q: Db | Tx, accountId: string, after: string, limit: number) {
    const found = await q
      .select()
      .from(users)
      .where(and(eq(users.accountId, accountId), gt(users.id, after)))
      .orderBy(asc(users.id))
      .limit(limit);
    const items = found.map((row) => {
      const { name, email, username } = openIdentity(row);
      return { entityId: row.id, fields: [name, email, username || null] };
    });
    // The cursor is the last id: users are read in id order.
    return { items, next: items.length < limit ? null : items[items.length - 1].entityId };
  },
};

registerSearchSource(usersSearchSource);
