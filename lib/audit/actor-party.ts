/** How an Actor appears in the activity log: a user, or a token acting for its user. */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/database";
import { accessTokens, users } from "@/lib/db/schema";
import { openIdentity, userLabel } from "@/lib/users/records";
import type { EventParty } from "./record";

export function actorParty(tx: Tx, actor: Actor): EventParty {
  // Still synchronous (lib/users/records' findUserRow is async now): the audit conversion replaces this.
  const row = tx.select().from(users).where(and(eq(users.accountId, actor.accountId), eq(users.id, actor.userId))).get();
  const label = row ? userLabel(openIdentity(row)) : actor.userId;
  if (actor.kind === "session") return { type: "user", id: actor.userId, label };
  const token = tx
    .select({ name: accessTokens.name })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.id, actor.tokenId)))
    .get();
  return { type: "token", id: actor.tokenId, label: `${label} (token "${token?.name ?? "deleted"}")` };
}
