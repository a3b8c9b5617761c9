/**
 * "Which user (or pending invite) of the account holds this email or
 * username?": one lookup by blind index for all four questions. A value has
 * one blind index per readable key (lib/crypto/blind-index.ts): one as a rule,
 * two or more while a key rotation is under way. The statement for each
 * (question, number of indexes) is built once per database or unit-of-work tx
 * (lib/db/prepared.ts). An email or a username is taken by a user or by a
 * pending invite, so the availability checks ask both tables in one statement
 * (holdersByBlindIndex): one round trip, not two, on PostgreSQL; a create asks
 * for its email's and its username's holders together (holdersOfEach). A username is also held, for a while,
 * by the person it was taken from (./retired-usernames.ts): the same statement reads that too.
 */
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db, Tx } from "@/lib/db/database";
import { literalLimit, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { invites, retiredUsernames, users } from "@/lib/db/schema";
import { retiredHeldSince } from "./retired-usernames";

/** What holds the value: a user or an invite, by its email or its username. */
export type BlindIndexHolder = "user-email" | "user-username" | "invite-email" | "invite-username";

const COLUMNS = {
  "user-email": { table: users, id: users.id, accountId: users.accountId, index: users.emailIndex },
  "user-username": { table: users, id: users.id, accountId: users.accountId, index: users.usernameIndex },
  "invite-email": { table: invites, id: invites.id, accountId: invites.accountId, index: invites.emailIndex },
  "invite-username": { table: invites, id: invites.id, accountId: invites.accountId, index: invites.usernameIndex },
} as const;

/** A table's columns a lookup by blind index reads (COLUMNS, RETIRED). */
type IndexedColumns = { table: SQLiteTable; id: SQLiteColumn; accountId: SQLiteColumn; index: SQLiteColumn };

/** The account's rows of the holder's table whose column has one of `count` blind indexes (placeholders i0, i1, … or with another prefix). */
function holding(c: IndexedColumns, count: number, prefix = "i") {
  const indexes = Array.from({ length: count }, (_, i) => sql.placeholder(`${prefix}${i}`));
  return and(eq(c.accountId, sql.placeholder("accountId")), indexes.length === 1 ? eq(c.index, indexes[0]) : inArray(c.index, indexes));
}

/** The values for holding's placeholders. */
function holdingValues(accountId: string, indexes: readonly string[], prefix = "i", values: Record<string, unknown> = { accountId }): Record<string, unknown> {
  indexes.forEach((index, i) => (values[`${prefix}${i}`] = index));
  return values;
}

const lookup = perTransactionBy((q: Tx, key: `${BlindIndexHolder}/${number}`) => {
  const [holder, count] = key.split("/") as [BlindIndexHolder, string];
  const c = COLUMNS[holder];
  return q
    .select({ id: c.id })
    .from(c.table)
    .where(holding(c, Number(count)))
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
  const values = holdingValues(accountId, indexes);
  const [row] = await lookup(q, `${holder}/${indexes.length}`).execute(values);
  return row?.id;
}

/** The field whose holders holdersByBlindIndex looks for, in users and in pending invites. */
export type BlindIndexField = "email" | "username";

/**
 * Who holds a value in the account: the user and the pending invite with it, where there is one, and for a
 * username the former holder's user id while it is retired (held back after a deletion or a rename).
 */
export type BlindIndexHolders = { user?: string; invite?: string; retired?: string };

type HolderKind = keyof BlindIndexHolders;
type HolderRow = { field: BlindIndexField; holder: HolderKind; id: string };

const RETIRED = { table: retiredUsernames, id: retiredUsernames.formerUserId, accountId: retiredUsernames.accountId, index: retiredUsernames.usernameIndex };

/**
 * The field's holders in users and in pending invites (placeholders `${field}0`, …), and for usernames the
 * retired ones still held back (retired_at from the placeholder `retiredSince`): branches of a UNION ALL.
 */
function holdersOf(q: Tx, field: BlindIndexField, count: number) {
  // Each table's unique (account, index) keeps its branch to one row per index.
  const branch = (c: IndexedColumns, holder: HolderKind, where = holding(c, count, field)) =>
    q
      .select({ field: sql<BlindIndexField>`${sql.raw(`'${field}'`)}`.as("field"), holder: sql<HolderKind>`${sql.raw(`'${holder}'`)}`.as("holder"), id: c.id })
      .from(c.table)
      .where(where);
  const held = [branch(COLUMNS[`user-${field}`], "user"), branch(COLUMNS[`invite-${field}`], "invite")];
  if (field !== "username") return held;
  const stillHeld = sql`${retiredUsernames.retiredAt} >= ${sql.placeholder("retiredSince")}`;
  return [...held, branch(RETIRED, "retired", and(holding(RETIRED, count, field), stillHeld))];
}

/** One statement per (email indexes, username indexes) counts: the holders of each field asked for. */
const bothLookup = perTransactionBy((q: Tx, key: `${number}/${number}`) => {
  const [emails, usernames] = key.split("/").map(Number);
  const branches = [...(emails > 0 ? holdersOf(q, "email", emails) : []), ...(usernames > 0 ? holdersOf(q, "username", usernames) : [])];
  const [first, ...rest] = branches;
  let query = first as unknown as { unionAll(other: unknown): typeof query; prepare(): unknown };
  for (const other of rest) query = query.unionAll(other);
  return query.prepare() as unknown as PreparedRows<HolderRow>;
});

/** The account's user and pending invite whose email (or username) has one of these blind indexes, in one statement. */
export async function holdersByBlindIndex(
  tx: Tx,
  field: BlindIndexField,
  accountId: string,
  indexes: readonly string[],
): Promise<BlindIndexHolders> {
  if (indexes.length === 0) return {};
  return (await holdersOfEach(tx, accountId, { [field]: indexes }))[field];
}

/**
 * The holders of an email and of a username at once (a create checks both): one statement for both fields,
 * one round trip on PostgreSQL. A field without indexes (none given) has no holders.
 */
export async function holdersOfEach(
  tx: Tx,
  accountId: string,
  indexes: { email?: readonly string[]; username?: readonly string[] },
): Promise<Record<BlindIndexField, BlindIndexHolders>> {
  const found: Record<BlindIndexField, BlindIndexHolders> = { email: {}, username: {} };
  const email = indexes.email ?? [];
  const username = indexes.username ?? [];
  if (email.length === 0 && username.length === 0) return found;
  const values = holdingValues(accountId, username, "username", holdingValues(accountId, email, "email"));
  if (username.length > 0) values.retiredSince = retiredHeldSince();
  for (const row of await bothLookup(tx, `${email.length}/${username.length}`).execute(values)) found[row.field][row.holder] ??= row.id;
  return found;
}
