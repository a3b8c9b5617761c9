/** How an Actor appears in the activity log: a user, or a token acting for its user. */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Db, Tx } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import type { EventParty } from "./record";

/** The name of the token the actor uses (read only for token actors). */
export function tokenNameQuery(q: Db, actor: Actor & { kind: "token" }) {
  return q
    .select({ name: accessTokens.name })
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, actor.accountId), eq(accessTokens.id, actor.tokenId)))
    .limit(1);
}

/** The party from the actor's label (name or email, else the id) and, for a token, its name. */
export function partyOf(actor: Actor, label: string, tokenName: string | undefined): EventParty {
  if (actor.kind === "system") return { type: "system", id: null, label: actor.label };
  if (actor.kind === "session") return { type: "user", id: actor.userId, label };
  return { type: "token", id: actor.tokenId, label: `${label} (token "${tokenName ?? "deleted"}")` };
}

/** The actor as an activity party, read through the unit of work's tx (the name as it is now). */
export async function actorParty(tx: Tx, actor: Actor): Promise<EventParty> {
  if (actor.kind === "system") return partyOf(actor, actor.label, undefined);
  const row = await findUserRow(tx, actor.accountId, actor.userId);
  const label = row ? userLabel(openIdentity(row)) : actor.userId;
  const [token] = actor.kind === "token" ? await tokenNameQuery(tx, actor) : [];
  return partyOf(actor, label, token?.name);
}
