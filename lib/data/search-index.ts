/**
 * The searchable encrypted index: finds users (and activity parties) by a
 * fragment of their name or email without decrypting the table and without a
 * copy in process memory. Every replica reads the same index, and a write
 * changes it in the same transaction as the row it describes.
 *
 Each account's index of a kind of entity is a scope (search_scopes); each
 * indexed entity has an entry (search_entries) and a set of terms
 * (search_terms): truncated keyed HMACs of its fields' normalised n-grams
 * (lib/crypto/search-terms.ts says which, and what a search matches). A query
 * becomes a few terms; the entities holding all of them are the candidates,
 * found through the (scope, term, entry) primary key: one index range for the
 * rarest term, then one index seek per candidate for each other term. Counting
 * candidates reads only that index.
 *
 * A write puts an entity's postings in search_recent_terms, a small table, so
 * that its commit writes a few pages instead of one scattered leaf of
 * search_terms per posting; ./search-merge.ts moves them into search_terms in
 * sorted batches soon after. An entry's postings are all in one of the two
 * tables (a merge moves whole entries), so a query runs its lookup in each
 * table and takes the union: a just-written entity is found at once.
 *
 * Candidates are the answer when the query is one term (1–3 characters:
 * `exact`); for longer queries the caller confirms them by decrypting only the
 * candidates and asking matchesSearch, so results and counts stay exact.
 *
 * Until the start-up backfill (./search-backfill.ts) has indexed an account's
 * existing rows of a scope, scopeComplete() is false and callers search the
 * old way (decrypt and filter) for that account.
 */
import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { keyRing } from "@/lib/crypto/keys";
import { entityTerms, queryTerms } from "@/lib/crypto/search-terms";
import { dialect, engine, type Db, type Tx } from "@/lib/db/database";
import { firstRow, rows } from "@/lib/db/raw";
import { literalLimit, perTransaction, perTransactionSql, type PreparedRows } from "@/lib/db/prepared";
import { searchEntries, searchRecentTerms, searchScopes, searchTerms } from "@/lib/db/schema";
import { notePendingPostings } from "./search-merge";
import { afterCommit } from "./unit-of-work";

/** What an index entry stands for: a user (fields: name, email) or an activity party (the labels it was recorded under). */
export type SearchScope = "users" | "parties";

export type EntityRef = { accountId: string; scope: SearchScope; entityId: string };
export type EntityFields = EntityRef & { fields: ReadonlyArray<string | null | undefined> };

/**
 * Counting a term's postings stops here. Counting is cheap (an index range) and
 * choosing the rarest term as the lookup's lead saves one probe per other term
 * for every posting of a commoner one, so it counts far enough to tell them apart.
 */
const FREQUENCY_PROBE = 20_000;

// The lookups and inserts every indexed write runs, kept per database or tx (lib/db/prepared.ts).
const scopeIdQuery = perTransaction(
  (q) =>
    q
      .select({ id: searchScopes.id })
      .from(searchScopes)
      .where(and(eq(searchScopes.accountId, sql.placeholder("accountId")), eq(searchScopes.scope, sql.placeholder("scope"))))
      .limit(literalLimit(1))
      .prepare() as unknown as PreparedRows<{ id: number }>,
);

async function scopeIdOf(q: Db, accountId: string, scope: SearchScope): Promise<number | undefined> {
  const [found] = await scopeIdQuery(q).execute({ accountId, scope });
  return found?.id;
}

/** The scope's id, creating it (complete: nothing to backfill) for an account's first indexed entity. */
async function ensureScope(tx: Tx, accountId: string, scope: SearchScope): Promise<number> {
  const known = await scopeIdOf(tx, accountId, scope);
  if (known !== undefined) return known;
  const [made] = await tx.insert(searchScopes).values({ accountId, scope, backfillCursor: null }).returning({ id: searchScopes.id });
  return made.id;
}

/**
 * The scope's id and, where it has one, the entity's entry in it, with whether that entry's postings
 * are still in search_recent_terms: one statement (one round trip on PostgreSQL) for what every
 * indexed write asks first. No row: the account has no such scope yet.
 */
const entryLookup = perTransaction(
  (tx) =>
    tx
      .select({
        scopeId: searchScopes.id,
        entryId: searchEntries.id,
        // Asked only of an entry that exists: for none (a new entity), a plan made while the recent table was
        // small scans all of it looking for NULL (PostgreSQL; measured 0.3 ms a create at 100k users).
        inRecent: sql<boolean | number>`CASE WHEN ${searchEntries.id} IS NULL THEN 0 = 1 ELSE EXISTS (SELECT 1 FROM ${searchRecentTerms} WHERE ${searchRecentTerms.entryId} = ${searchEntries.id}) END`,
      })
      .from(searchScopes)
      .leftJoin(searchEntries, and(eq(searchEntries.scopeId, searchScopes.id), eq(searchEntries.entityId, sql.placeholder("entityId"))))
      .where(and(eq(searchScopes.accountId, sql.placeholder("accountId")), eq(searchScopes.scope, sql.placeholder("scope"))))
      .limit(literalLimit(1))
      .prepare() as unknown as PreparedRows<{ scopeId: number; entryId: number | null; inRecent: boolean | number }>,
);

const entryInsert = perTransaction(
  (tx) =>
    tx
      .insert(searchEntries)
      // Drizzle encodes a placeholder in values() with the column's own mapping; its types don't say so.
      .values({ scopeId: sql.placeholder("scopeId") as unknown as number, entityId: sql.placeholder("entityId") as unknown as string })
      .returning({ id: searchEntries.id })
      .prepare() as unknown as PreparedRows<{ id: number }>,
);

/** A new entry with its scope found by its key in the same statement; no row: the account has no such scope yet. */
const entryInsertInScope = perTransactionSql<{ id: number; scopeId: number }>(
  `INSERT INTO search_entries (scope_id, entity_id)
   SELECT id, CAST($1 AS TEXT) FROM search_scopes WHERE account_id = $2 AND scope = $3
   RETURNING id, scope_id AS "scopeId"`,
);

type Entry = { scopeId: number; id: number; inRecent: boolean };

/** The entity's entry as stored (null: it has none), and its scope's id (undefined: the account has no such scope yet). */
async function findEntry(tx: Tx, ref: EntityRef): Promise<{ scopeId: number | undefined; entry: Entry | null }> {
  const [found] = await entryLookup(tx).execute({ accountId: ref.accountId, scope: ref.scope, entityId: ref.entityId });
  if (!found) return { scopeId: undefined, entry: null };
  if (found.entryId === null) return { scopeId: found.scopeId, entry: null };
  return { scopeId: found.scopeId, entry: { scopeId: found.scopeId, id: found.entryId, inRecent: Boolean(found.inRecent) } };
}

/** The entry of an entity known to have none. */
async function newEntry(tx: Tx, ref: EntityRef): Promise<{ scopeId: number; id: number }> {
  const [made] = await entryInsertInScope(tx).rows([ref.entityId, ref.accountId, ref.scope]);
  if (made) return { scopeId: made.scopeId, id: made.id };
  // The account's first indexed entity of this kind.
  const scopeId = await ensureScope(tx, ref.accountId, ref.scope);
  const [first] = await entryInsert(tx).execute({ scopeId, entityId: ref.entityId });
  return { scopeId, id: first.id };
}

/** Where postings go: "recent" (search_recent_terms, merged later) or "main" (search_terms: the backfill's bulk path). */
export type PostingTable = "main" | "recent";

const TABLE_NAMES: Record<PostingTable, string> = { main: "search_terms", recent: "search_recent_terms" };

/**
 * On SQLite, one posting insert per table, on the writer connection itself
 * (better-sqlite3's statement, not Drizzle's), kept per unit-of-work tx like
 * the statements above (the tx runs on that connection). An entity has 50–100
 * terms: Drizzle building a 100-row VALUES statement with 300 parameters on
 * every write cost more CPU than SQLite inserting the rows, and even a kept
 * Drizzle statement adds its own few microseconds per row. Null on PostgreSQL.
 */
type PostingInsert = import("better-sqlite3").Statement<[number, number, number]>;
const postingInserts = perTransaction((): Record<PostingTable, PostingInsert> | null => {
  const native = engine().native;
  if (native.kind !== "sqlite") return null;
  const prepare = (name: string) =>
    native.writer.prepare<[number, number, number]>(`INSERT INTO ${name} (scope_id, term, entry_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
  return { main: prepare(TABLE_NAMES.main), recent: prepare(TABLE_NAMES.recent) };
});

/**
 * On PostgreSQL, one kept statement per table whatever the number of terms (the terms as one array): parsed and
 * planned once per pooled connection, where a multi-row VALUES was built by Drizzle and planned afresh for every entity.
 */
const pgPostingInsert = (table: PostingTable) =>
  perTransactionSql<never>(
    `INSERT INTO ${TABLE_NAMES[table]} (scope_id, term, entry_id) SELECT $1::integer, t, $2::integer FROM unnest($3::bigint[]) AS t ON CONFLICT DO NOTHING`,
  );
const pgPostingInserts: Record<PostingTable, ReturnType<typeof pgPostingInsert>> = { main: pgPostingInsert("main"), recent: pgPostingInsert("recent") };

/** Postings written to "recent": a merge soon moves them on (nudged after commit: a rolled-back write leaves nothing to merge). */
function nudgeMergeAfterCommit(tx: Tx, table: PostingTable, count: number): void {
  if (table === "recent" && count > 0) afterCommit(tx, () => notePendingPostings(count));
}

async function insertTerms(tx: Tx, table: PostingTable, scopeId: number, entryId: number, terms: number[]): Promise<void> {
  if (terms.length === 0) return;
  nudgeMergeAfterCommit(tx, table, terms.length);
  const insert = postingInserts(tx)?.[table];
  if (insert) {
    // In key order: each insert descends next to the last one's path.
    for (const term of [...terms].sort((a, b) => a - b)) insert.run(scopeId, term, entryId);
    return;
  }
  if (dialect() === "postgres") {
    await pgPostingInserts[table](tx).rows([scopeId, entryId, terms]);
    return;
  }
  await tx
    .insert(table === "main" ? searchTerms : searchRecentTerms)
    .values(terms.map((term) => ({ scopeId, term, entryId })))
    .onConflictDoNothing();
}

export type IndexOptions = {
  /** The entity was created in this transaction (a new random id), so it has no entry yet to look for. */
  fresh?: boolean;
  /** Where new postings go (default "recent"); the backfill writes "main" in its own large batches. */
  into?: PostingTable;
};

/**
 * On PostgreSQL, a new entry and its postings in one statement: the entry's insert is a data-modifying CTE whose
 * id the postings' insert takes (the postings' foreign key is checked at the statement's end, when the entry is
 * there). Inside a unit of work every round trip is time all other writers wait for the write lock (round 27:
 * two round trips fewer per created user). `InScope` finds the scope by its key in the same statement: no row
 * means the account has no such scope yet, and nothing was inserted.
 */
const pgNewEntryWithTerms = (table: PostingTable) => ({
  inScope: perTransactionSql<{ id: number }>(
    `WITH entry AS (
       INSERT INTO search_entries (scope_id, entity_id)
       SELECT id, CAST($1 AS TEXT) FROM search_scopes WHERE account_id = $2 AND scope = $3
       RETURNING id, scope_id),
     posted AS (
       INSERT INTO ${TABLE_NAMES[table]} (scope_id, term, entry_id)
       SELECT entry.scope_id, t, entry.id FROM entry, unnest($4::bigint[]) AS t ON CONFLICT DO NOTHING)
     SELECT id FROM entry`,
  ),
  toScope: perTransactionSql<{ id: number }>(
    `WITH entry AS (
       INSERT INTO search_entries (scope_id, entity_id) VALUES ($1::integer, CAST($2 AS TEXT))
       RETURNING id, scope_id),
     posted AS (
       INSERT INTO ${TABLE_NAMES[table]} (scope_id, term, entry_id)
       SELECT entry.scope_id, t, entry.id FROM entry, unnest($3::bigint[]) AS t ON CONFLICT DO NOTHING)
     SELECT id FROM entry`,
  ),
});
const pgNewEntriesWithTerms: Record<PostingTable, ReturnType<typeof pgNewEntryWithTerms>> = { main: pgNewEntryWithTerms("main"), recent: pgNewEntryWithTerms("recent") };

/**
 * A new entry for an entity known to have none, with its postings in `table`; `scopeId` when the caller has read
 * it (undefined: found here, the scope made for the account's first indexed entity of its kind).
 */
async function addNewEntry(tx: Tx, ref: EntityFields, table: PostingTable, scopeId?: number): Promise<void> {
  const terms = entityTerms(ref.accountId, ref.scope, ref.fields);
  if (dialect() === "postgres") {
    const statements = pgNewEntriesWithTerms[table];
    const inserted = scopeId === undefined && (await statements.inScope(tx).rows([ref.entityId, ref.accountId, ref.scope, terms])).length > 0;
    // Into the scope read by the caller, or the account's first indexed entity of this kind (its scope made first).
    if (!inserted) await statements.toScope(tx).rows([scopeId ?? (await ensureScope(tx, ref.accountId, ref.scope)), ref.entityId, terms]);
    nudgeMergeAfterCommit(tx, table, terms.length);
    return;
  }
  const entry =
    scopeId === undefined ? await newEntry(tx, ref) : { scopeId, id: (await entryInsert(tx).execute({ scopeId, entityId: ref.entityId }))[0].id };
  await insertTerms(tx, table, entry.scopeId, entry.id, terms);
}

/**
 * On PostgreSQL, a new entity's entry and its postings as data-modifying CTEs of the caller's own insert of the entity
 * (lib/users/lifecycle.ts insertUser: the user, its count's +1 and its search entry in one round trip, round 32). The
 * scope is found by its key; the entity's id, its account's id and its terms (entryTermsOf) are the caller's
 * placeholders, named in `names`. The caller's RETURNING takes `indexed` (1: entry and postings written; 0: the account
 * has no such scope yet and nothing was indexed), then calls newEntryWritten.
 */
export function pgNewEntryCtes(tx: Tx, scope: SearchScope, names: { entityId: string; accountId: string; terms: string }) {
  const pgTx = tx as unknown as import("drizzle-orm/pg-core").PgDatabase<import("drizzle-orm/pg-core").PgQueryResultHKT>;
  const entry = pgTx.$with("indexed_entry", { id: sql<number>`id` }).as(
    sql`INSERT INTO search_entries (scope_id, entity_id)
        SELECT id, CAST(${sql.placeholder(names.entityId)} AS TEXT) FROM search_scopes
        WHERE account_id = CAST(${sql.placeholder(names.accountId)} AS TEXT) AND scope = ${sql.raw(`'${scope}'`)}
        RETURNING id, scope_id`,
  );
  const postings = pgTx.$with("indexed_postings", { term: sql<number>`term` }).as(
    sql`INSERT INTO search_recent_terms (scope_id, term, entry_id)
        SELECT e.scope_id, t, e.id FROM indexed_entry e, unnest(CAST(${sql.placeholder(names.terms)} AS bigint[])) AS t
        ON CONFLICT DO NOTHING`,
  );
  return { ctes: [entry, postings] as const, indexed: sql<number | string>`(select count(*) from ${entry})` };
}

/** The terms pgNewEntryCtes's caller binds: the entity's fields as indexEntity would index them. */
export function entryTermsOf(ref: EntityFields): number[] {
  return entityTerms(ref.accountId, ref.scope, ref.fields);
}

/**
 * After an insert that carried pgNewEntryCtes: the postings noted for the merge, or, when nothing was indexed (the
 * account's first entity of the kind: no scope yet), the entity indexed the usual way.
 */
export async function newEntryWritten(tx: Tx, ref: EntityFields, terms: number[], indexed: boolean): Promise<void> {
  if (!indexed) return indexEntity(tx, ref, { fresh: true });
  nudgeMergeAfterCommit(tx, "recent", terms.length);
}

/** Indexes an entity's fields, replacing whatever it was indexed under before (a rename drops the old name). */
export async function indexEntity(tx: Tx, ref: EntityFields, options?: IndexOptions): Promise<void> {
  const table = options?.into ?? "recent";
  if (options?.fresh) return addNewEntry(tx, ref, table);
  const { scopeId, entry } = await findEntry(tx, ref);
  if (!entry) return addNewEntry(tx, ref, table, scopeId);
  // From both tables: all of the entry's new postings then go to one.
  await tx.delete(searchTerms).where(eq(searchTerms.entryId, entry.id));
  await tx.delete(searchRecentTerms).where(eq(searchRecentTerms.entryId, entry.id));
  await insertTerms(tx, table, entry.scopeId, entry.id, entityTerms(ref.accountId, ref.scope, ref.fields));
}

/**
 * On PostgreSQL, addToEntity in one statement (one round trip under the write lock instead of two: every recorded
 * event adds its target's label, round 32): the scope and the entity's entry are looked up, the entry made when
 * there is none, and the postings inserted into the table holding the entry's others (a new entry's into
 * search_recent_terms), all in data-modifying CTEs that see one snapshot. The values go in once, as the first CTE.
 * `scopes` 0: the account has no such scope yet, and nothing was written; `in_recent`: where the postings went.
 */
const pgAddToEntity = perTransactionSql<{ scopes: number; in_recent: boolean }>(
  `WITH p AS (SELECT CAST($1 AS TEXT) AS account_id, CAST($2 AS TEXT) AS scope, CAST($3 AS TEXT) AS entity_id, $4::bigint[] AS terms),
   scope AS (SELECT s.id FROM search_scopes s, p WHERE s.account_id = p.account_id AND s.scope = p.scope),
   found AS (
     SELECT e.id, e.scope_id, EXISTS (SELECT 1 FROM search_recent_terms r WHERE r.entry_id = e.id) AS in_recent
     FROM search_entries e, scope, p WHERE e.scope_id = scope.id AND e.entity_id = p.entity_id),
   made AS (
     INSERT INTO search_entries (scope_id, entity_id)
     SELECT scope.id, p.entity_id FROM scope, p WHERE NOT EXISTS (SELECT 1 FROM found)
     RETURNING id, scope_id),
   into_recent AS (
     INSERT INTO search_recent_terms (scope_id, term, entry_id)
     SELECT x.scope_id, t, x.id FROM (SELECT id, scope_id FROM made UNION ALL SELECT id, scope_id FROM found WHERE in_recent) AS x, p, unnest(p.terms) AS t
     ON CONFLICT DO NOTHING),
   into_main AS (
     INSERT INTO search_terms (scope_id, term, entry_id)
     SELECT found.scope_id, t, found.id FROM found, p, unnest(p.terms) AS t WHERE NOT found.in_recent
     ON CONFLICT DO NOTHING)
   SELECT CAST((SELECT count(*) FROM scope) AS INTEGER) AS scopes, COALESCE((SELECT in_recent FROM found), true) AS in_recent`,
);

/**
 * Adds fields to what an entity is found by, keeping the rest: an activity
 * party stays findable by every label its events were recorded under. The new
 * postings join the table holding the entry's others (an entry never spans both).
 */
export async function addToEntity(tx: Tx, ref: EntityFields, options?: Pick<IndexOptions, "into">): Promise<void> {
  const into = options?.into ?? "recent";
  if (dialect() === "postgres" && into === "recent") {
    const terms = entityTerms(ref.accountId, ref.scope, ref.fields);
    const [done] = await pgAddToEntity(tx).rows([ref.accountId, ref.scope, ref.entityId, terms]);
    // The account's first indexed entity of this kind: its scope made first.
    if (!done || done.scopes === 0) return addNewEntry(tx, ref, into, await ensureScope(tx, ref.accountId, ref.scope));
    if (done.in_recent) nudgeMergeAfterCommit(tx, "recent", terms.length);
    return;
  }
  const { scopeId, entry } = await findEntry(tx, ref);
  if (!entry) return addNewEntry(tx, ref, into, scopeId);
  await insertTerms(tx, entry.inRecent ? "recent" : "main", entry.scopeId, entry.id, entityTerms(ref.accountId, ref.scope, ref.fields));
}

/** Removes an entity from the index (its terms, in either table, go with the entry: ON DELETE CASCADE). */
export async function removeEntity(tx: Tx, ref: EntityRef): Promise<void> {
  const scopeId = await scopeIdOf(tx, ref.accountId, ref.scope);
  if (scopeId === undefined) return;
  await tx.delete(searchEntries).where(and(eq(searchEntries.scopeId, scopeId), eq(searchEntries.entityId, ref.entityId)));
}

/** False while the start-up backfill still has this account's existing rows of the scope to index. */
export async function scopeComplete(q: Db, accountId: string, scope: SearchScope): Promise<boolean> {
  // During a key rotation the index's terms are under either key (see backfillCursor).
  if (keyRing().previous.length > 0) return false;
  const [found] = await q
    .select({ cursor: searchScopes.backfillCursor })
    .from(searchScopes)
    .where(and(eq(searchScopes.accountId, accountId), eq(searchScopes.scope, scope)))
    .limit(1);
  return found === undefined || found.cursor === null;
}

export type CandidateQuery = { accountId: string; scope: SearchScope; query: string };

/**
 * A query's candidates as SQL, to combine with the caller's own tables. Other
 * accounts' and scopes' entries never appear: every lookup is within the
 * scope's id (and their terms differ anyway: the HMAC covers account and scope).
 */
export type CandidateSet = {
  /** True when every candidate matches (the query is one term); false: confirm each with matchesSearch. */
  exact: boolean;
  /** SELECT of the candidates' entity ids (one column, `entity_id`), each once: `users.id IN (${set.entityIds})`. */
  entityIds: SQL;
  /**
   * A condition true when the entity whose id is in `column` is a candidate:
   * for walking another table in its own order (newest first, say) and
   * stopping at a page, when the candidates are many. `perRow`: tested row by
   * row as the walk goes, never turned into a join of every candidate
   * (PostgreSQL otherwise plans EXISTS as a semi-join: all 7,143 candidates
   * of "ann" at 100,000 users, each joined to its row, to keep 24).
   */
  holds(column: SQL, options?: { perRow?: boolean }): SQL;
  /** SELECT of one row, `n`: how many candidates there are (reads only the terms' index). */
  count: SQL;
};

const MAIN = sql.raw(TABLE_NAMES.main);
const RECENT = sql.raw(TABLE_NAMES.recent);

/** Postings of a term in a scope (both tables), each table's counted up to FREQUENCY_PROBE. */
async function postings(q: Db, scopeId: number, term: number): Promise<number> {
  const counted = (table: SQL) =>
    sql`(SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE scope_id = ${scopeId} AND term = ${term} LIMIT ${FREQUENCY_PROBE}) AS probe)`;
  const row = await firstRow<{ n: number | string }>(q, sql`SELECT CAST(${counted(MAIN)} + ${counted(RECENT)} AS INTEGER) AS "n"`);
  return Number(row?.n ?? 0);
}

/** The candidates of a query, or null when the query is empty once normalised (no restriction). */
export async function candidateSet(q: Db, { accountId, scope, query }: CandidateQuery): Promise<CandidateSet | null> {
  const planned = queryTerms(accountId, scope, query);
  if (!planned) return null;
  // An account that never indexed this scope has no candidates: -1 is no scope's id.
  const scopeId = (await scopeIdOf(q, accountId, scope)) ?? -1;
  let terms = planned.terms;
  if (terms.length > 1 && scopeId !== -1) {
    const counts = await Promise.all(terms.map(async (term) => ({ term, n: await postings(q, scopeId, term) })));
    counts.sort((a, b) => a.n - b.n);
    // A term nobody holds means no candidates: look up that one alone.
    terms = counts[0].n === 0 ? [counts[0].term] : counts.map((c) => c.term);
  }
  const [lead, ...rest] = terms;
  // Each lookup stays within one table: an entry's postings are all in one of the two.
  const alsoHolds = (table: SQL, entry: SQL) =>
    sql.join(
      rest.map((term) => sql` AND EXISTS (SELECT 1 FROM ${table} o WHERE o.scope_id = ${scopeId} AND o.term = ${term} AND o.entry_id = ${entry})`),
      sql``,
    );
  const leading = (table: SQL) => sql`FROM ${table} t WHERE t.scope_id = ${scopeId} AND t.term = ${lead}${alsoHolds(table, sql`t.entry_id`)}`;
  const entryHolds = (table: SQL) =>
    sql`EXISTS (SELECT 1 FROM ${table} t WHERE t.scope_id = ${scopeId} AND t.term = ${lead} AND t.entry_id = e.id${alsoHolds(table, sql`e.id`)})`;
  const entityIds = sql`SELECT e.entity_id FROM search_entries e WHERE e.id IN (SELECT t.entry_id ${leading(MAIN)} UNION ALL SELECT t.entry_id ${leading(RECENT)})`;
  return {
    exact: planned.exact,
    entityIds,
    holds: (column, options) => {
      // PostgreSQL: a semi-join over the candidates, or with perRow a probe per row (OFFSET 0 keeps it from
      // being pulled up into a join). SQLite tests row by row either way.
      if (dialect() === "postgres" && !options?.perRow) return sql`${column} IN (${entityIds})`;
      return sql`EXISTS (SELECT 1 FROM search_entries e WHERE e.scope_id = ${scopeId} AND e.entity_id = ${column} AND (${entryHolds(MAIN)} OR ${entryHolds(RECENT)})${dialect() === "postgres" ? sql` OFFSET 0` : sql``})`;
    },
    count: sql`SELECT CAST((SELECT count(*) ${leading(MAIN)}) + (SELECT count(*) ${leading(RECENT)}) AS INTEGER) AS "n"`,
  };
}

/** How many candidates a set has. */
export async function countCandidates(q: Db, set: CandidateSet): Promise<number> {
  const row = await firstRow<{ n: number | string }>(q, set.count);
  return Number(row?.n ?? 0);
}

/**
 * The candidates' entity ids (at most `limit`, in no particular order), or
 * null for an empty query. `exact` as in CandidateSet: when false, the caller
 * keeps only the candidates whose decrypted fields pass matchesSearch.
 */
export async function findCandidates(
  q: Db,
  options: CandidateQuery & { limit?: number },
): Promise<{ entityIds: string[]; exact: boolean } | null> {
  const set = await candidateSet(q, options);
  if (!set) return null;
  const limit = options.limit === undefined ? sql`` : sql` LIMIT ${options.limit}`;
  const found = await rows<{ entity_id: string }>(q, sql`${set.entityIds}${limit}`);
  return { entityIds: found.map((r) => r.entity_id), exact: set.exact };
}
