/** How an Actor appears in the activity log: a user, or a token acting for its user. */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { accessTokens } from "@/lib/db/schema";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import type { EventParty } from "./record";

export function actorParty(tx: Tx, actor: Actor): EventParty {
  const row = findUserRow(tx, actor.accountId, actor.userId);
  const label = row ? userLabel(openIdentity(row)) : actor.userId;
  if (actor.kind === "session") return { type: "user", id: actor.userId, label };
  const token = tx
    .select({ name: accessTokens.name })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.id, actor.tokenId)))
    .get();
  return { type: "token", id: actor.tokenId, label: `${label} (token "${token?.name ?? "deleted"}")` };
}
