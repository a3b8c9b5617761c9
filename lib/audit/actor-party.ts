/** How an Actor appears in the activity log: a user, or a token acting for its user. */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/database";
import { literalLimit, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { accessTokens, users, type UserRow } from "@/lib/db/schema";
import { openIdentity, userLabel } from "@/lib/users/records";
import type { EventParty } from "./new-event";

/**
 * The actor's user row and, for a token, the token's name: one statement (most admin writes record
 * an event, so one round trip fewer for each of them on PostgreSQL). A token goes with its user
 * (ON DELETE CASCADE), so a user's row missing means the token is gone too.
 */
const actorRow = perTransactionBy((tx: Tx, kind: "session" | "token") => {
  const ofUser = and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("userId")));
  const query =
    kind === "token"
      ? tx
          .select({ user: users, tokenName: accessTokens.name })
          .from(users)
          .leftJoin(accessTokens, and(eq(accessTokens.accountId, users.accountId), eq(accessTokens.userId, users.id), eq(accessTokens.id, sql.placeholder("tokenId"))))
      : tx.select({ user: users, tokenName: sql<string | null>`null` }).from(users);
  return query.where(ofUser).limit(literalLimit(1)).prepare() as unknown as PreparedRows<{ user: UserRow; tokenName: string | null }>;
});

/** The party from the actor's label (name or email, else the id) and, for a token, its name. */
export function partyOf(actor: Actor, label: string, tokenName: string | undefined): EventParty {
  if (actor.kind === "system") return { type: "system", id: null, label: actor.label };
  if (actor.kind === "session") return { type: "user", id: actor.userId, label };
  return { type: "token", id: actor.tokenId, label: `${label} (token "${tokenName ?? "deleted"}")` };
}

/** The actor as an activity party, read through the unit of work's tx (the name as it is now). */
export async function actorParty(tx: Tx, actor: Actor): Promise<EventParty> {
  if (actor.kind === "system") return partyOf(actor, actor.label, undefined);
  const [row] = await actorRow(tx, actor.kind).execute({
    accountId: actor.accountId,
    userId: actor.userId,
    ...(actor.kind === "token" ? { tokenId: actor.tokenId } : {}),
  });
  const label = row ? userLabel(openIdentity(row.user)) : actor.userId;
  return partyOf(actor, label, row?.tokenName ?? undefined);
}
