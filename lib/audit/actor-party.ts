/** How an Actor appears in the activity log: a user, or a token acting for its user. */
import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/database";
import { literalLimit, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { accessTokens, activityEvents, users, type UserRow } from "@/lib/db/schema";
import { openIdentity, userLabel } from "@/lib/users/records";
import type { EventParty } from "./new-event";

/** The chain head's columns beside the actor's row (null: the account has no event, or only an anchor). */
type Head = { headSeq: number | null; headHash: string | null; headAt: Date | null };
type ActorRow = { user: UserRow; tokenName: string | null } & Partial<Head>;

/** One column of the account's newest event (seq order): an indexed seek, as the chain's own head read. */
const headColumn = (column: typeof activityEvents.seq | typeof activityEvents.hash | typeof activityEvents.occurredAt) =>
  sql`(SELECT ${column} FROM ${activityEvents} WHERE ${activityEvents.accountId} = ${sql.placeholder("headAccountId")} ORDER BY ${activityEvents.seq} DESC LIMIT 1)`;

/**
 * The actor's user row and, for a token, the token's name: one statement (most admin writes record
 * an event, so one round trip fewer for each of them on PostgreSQL). A token goes with its user
 * (ON DELETE CASCADE), so a user's row missing means the token is gone too. The "+head" variants add the
 * account's chain head in the same statement, for recordEvent (./record.ts), which appends right after it.
 */
const actorRow = perTransactionBy((tx: Tx, key: `${"session" | "token"}${"" | "+head"}`) => {
  const kind = key.startsWith("token") ? "token" : "session";
  const head: Record<string, SQL> = key.endsWith("+head")
    ? {
        headSeq: headColumn(activityEvents.seq).mapWith(Number),
        headHash: headColumn(activityEvents.hash).mapWith(String),
        headAt: headColumn(activityEvents.occurredAt).mapWith(activityEvents.occurredAt),
      }
    : {};
  const ofUser = and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("userId")));
  const query =
    kind === "token"
      ? tx
          .select({ user: users, tokenName: accessTokens.name, ...head })
          .from(users)
          .leftJoin(accessTokens, and(eq(accessTokens.accountId, users.accountId), eq(accessTokens.userId, users.id), eq(accessTokens.id, sql.placeholder("tokenId"))))
      : tx.select({ user: users, tokenName: sql<string | null>`null`, ...head }).from(users);
  return query.where(ofUser).limit(literalLimit(1)).prepare() as unknown as PreparedRows<ActorRow>;
});

/** The party from the actor's label (name or email, else the id) and, for a token, its name. */
export function partyOf(actor: Actor, label: string, tokenName: string | undefined): EventParty {
  if (actor.kind === "system") return { type: "system", id: null, label: actor.label };
  if (actor.kind === "session") return { type: "user", id: actor.userId, label };
  return { type: "token", id: actor.tokenId, label: `${label} (token "${tokenName ?? "deleted"}")` };
}

/** The actor as an activity party, read through the unit of work's tx (the name as it is now). */
export async function actorParty(tx: Tx, actor: Actor): Promise<EventParty> {
  return (await actorPartyRead(tx, actor, null)).party;
}

/**
 * actorParty, and the account's chain head (the newest event's seq, hash and time) read in the same statement:
 * recordEvent's one read before it appends an event by an Actor. `head` null: no user row to read it with (a
 * system actor, a deleted person) or no event in the account (genesis or a retention anchor): the caller reads
 * the head the long way.
 */
export async function actorPartyWithHead(
  tx: Tx,
  actor: Actor,
  headAccountId: string,
): Promise<{ party: EventParty; head: { seq: number; hash: string; occurredAt: Date } | null }> {
  return actorPartyRead(tx, actor, headAccountId);
}

async function actorPartyRead(tx: Tx, actor: Actor, headAccountId: string | null) {
  if (actor.kind === "system") return { party: partyOf(actor, actor.label, undefined), head: null };
  const [row] = await actorRow(tx, headAccountId === null ? actor.kind : `${actor.kind}+head`).execute({
    accountId: actor.accountId,
    userId: actor.userId,
    ...(actor.kind === "token" ? { tokenId: actor.tokenId } : {}),
    ...(headAccountId === null ? {} : { headAccountId }),
  });
  const label = row ? userLabel(openIdentity(row.user)) : actor.userId;
  const head = row?.headSeq != null && row.headHash && row.headAt ? { seq: row.headSeq, hash: row.headHash, occurredAt: row.headAt } : null;
  return { party: partyOf(actor, label, row?.tokenName ?? undefined), head };
}
