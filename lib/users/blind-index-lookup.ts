/**
 * "Which user (or pending invite) of the account holds this email or
 * username?": one lookup by blind index for all four questions. A value has
 * one blind index per readable key (lib/crypto/blind-index.ts): one as a rule,
 * two or more while a key rotation is under way. The statement for each
 * (question, number of indexes) is built once per database or unit-of-work tx
 * (lib/db/prepared.ts): creating a user asks two or three of these.
 */
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/database";
import { literalLimit, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { invites, users } from "@/lib/db/schema";

/** What holds the value: a user or an invite, by its email or its username. */
export type BlindIndexHolder = "user-email" | "user-username" | "invite-email" | "invite-username";

const COLUMNS = {
  "user-email": { table: users, id: users.id, accountId: users.accountId, index: users.emailIndex },
  "user-username": { table: users, id: users.id, accountId: users.accountId, index: users.usernameIndex },
  "invite-email": { table: invites, id: invites.id, accountId: invites.accountId, index: invites.emailIndex },
  "invite-username": { table: invites, id: invites.id, accountId: invites.accountId, index: invites.usernameIndex },
} as const;

const lookup = perTransactionBy((q: Tx, key: `${BlindIndexHolder}/${number}`) => {
  const [holder, count] = key.split("/") as [BlindIndexHolder, string];
  const c = COLUMNS[holder];
  const indexes = Array.from({ length: Number(count) }, (_, i) => sql.placeholder(`i${i}`));
  return q
    .select({ id: c.id })
    .from(c.table)
    .where(and(eq(c.accountId, sql.placeholder("accountId")), indexes.length === 1 ? eq(c.index, indexes[0]) : inArray(c.index, indexes)))
    .limit(literalLimit(1))
    .prepare() as unknown as PreparedRows<{ id: string }>;
});

/** The id of the account's user or invite whose email or username has one of these blind indexes, if any. */
export async function idByBlindIndex(
  q: Db | Tx,
  holder: BlindIndexHolder,
  accountId: string,
  indexes: readonly string[],
): Promise<string | undefined> {
  if (indexes.length === 0) return undefined;
  const values: Record<string, unknown> = { accountId };
  indexes.forEach((index, i) => (values[`i${i}`] = index));
  const [row] = await lookup(q, `${holder}/${indexes.length}`).execute(values);
  return row?.id;
}
