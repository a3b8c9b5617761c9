/**
 * The searchable encrypted index: finds users (and activity parties) by a
 * fragment of their name or email without decrypting the table and without a
 * copy in process memory. Every replica reads the same index, and a write
 * changes it in the same transaction as the row it describes.
 *
 * Each indexed entity has an entry (search_entries) and a set of terms
 * (search_terms): truncated keyed HMACs of its fields' normalised n-grams
 * (lib/crypto/search-terms.ts says which, and what a search matches). A query
 * becomes a few terms; the entities holding all of them are the candidates,
 * found through the (term, entry) primary key: one index range for the rarest
 * term, then one index probe per candidate for each other term.
 *
 * Candidates are the answer when the query is one term (1–3 characters:
 * `exact`); for longer queries the caller confirms them by decrypting only the
 * candidates and asking matchesSearch, so results and counts stay exact.
 *
 * Until the start-up backfill (./search-backfill.ts) has indexed an account's
 * existing rows of a scope, scopeComplete() is false and callers search the
 * old way for that account.
 */
import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { entityTerms, queryTerms } from "@/lib/crypto/search-terms";
import type { Db, Tx } from "@/lib/db/database";
import { firstRow, rows } from "@/lib/db/raw";
import { searchBackfills, searchEntries, searchTerms } from "@/lib/db/schema";

/** What an index entry stands for: a user (fields: name, email) or an activity party (the labels it was recorded under). */
export type SearchScope = "users" | "parties";

export type EntityRef = { accountId: string; scope: SearchScope; entityId: string };

/** Above this many postings a term is "common"; counting stops there (the rarest term leads the lookup). */
const FREQUENCY_PROBE = 2_000;

async function entryId(tx: Tx, ref: EntityRef, create: boolean): Promise<number | undefined> {
  const where = and(eq(searchEntries.accountId, ref.accountId), eq(searchEntries.scope, ref.scope), eq(searchEntries.entityId, ref.entityId));
  const [found] = await tx.select({ id: searchEntries.id }).from(searchEntries).where(where).limit(1);
  if (found || !create) return found?.id;
  const [made] = await tx
    .insert(searchEntries)
    .values({ accountId: ref.accountId, scope: ref.scope, entityId: ref.entityId })
    .returning({ id: searchEntries.id });
  return made.id;
}

async function insertTerms(tx: Tx, id: number, terms: number[]): Promise<void> {
  if (terms.length === 0) return;
  await tx
    .insert(searchTerms)
    .values(terms.map((term) => ({ term, entryId: id })))
    .onConflictDoNothing();
}

/** Indexes an entity's fields, replacing whatever it was indexed under before (a rename drops the old name). */
export async function indexEntity(tx: Tx, ref: EntityRef & { fields: ReadonlyArray<string | null | undefined> }): Promise<void> {
  const id = (await entryId(tx, ref, true)) as number;
  await tx.delete(searchTerms).where(eq(searchTerms.entryId, id));
  await insertTerms(tx, id, entityTerms(ref.accountId, ref.scope, ref.fields));
}

/**
 * Adds fields to what an entity is found by, keeping the rest: an activity
 * party stays findable by every label its events were recorded under.
 */
export async function addToEntity(tx: Tx, ref: EntityRef & { fields: ReadonlyArray<string | null | undefined> }): Promise<void> {
  const id = (await entryId(tx, ref, true)) as number;
  await insertTerms(tx, id, entityTerms(ref.accountId, ref.scope, ref.fields));
}

/** Removes an entity from the index (its terms go with the entry: ON DELETE CASCADE). */
export async function removeEntity(tx: Tx, ref: EntityRef): Promise<void> {
  await tx
    .delete(searchEntries)
    .where(and(eq(searchEntries.accountId, ref.accountId), eq(searchEntries.scope, ref.scope), eq(searchEntries.entityId, ref.entityId)));
}

/** False while the start-up backfill still has this account's existing rows of the scope to index. */
export async function scopeComplete(q: Db, accountId: string, scope: SearchScope): Promise<boolean> {
  const [pending] = await q
    .select({ scope: searchBackfills.scope })
    .from(searchBackfills)
    .where(and(eq(searchBackfills.accountId, accountId), eq(searchBackfills.scope, scope)))
    .limit(1);
  return pending === undefined;
}

export type CandidateQuery = { accountId: string; scope: SearchScope; query: string };

export type CandidateSet = {
  /**
   * SQL selecting the candidates' entity ids (one column, `entity_id`), to use
   * as a subquery: `users.id IN (${set.sql})`. Each id appears once.
   */
  sql: SQL;
  /** True when every candidate matches (the query is one term); false: confirm with matchesSearch. */
  exact: boolean;
};

/** Postings of a term, counted up to FREQUENCY_PROBE. */
async function postings(q: Db, term: number): Promise<number> {
  const row = await firstRow<{ n: number | string }>(
    q,
    sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM (SELECT 1 FROM search_terms WHERE term = ${term} LIMIT ${FREQUENCY_PROBE}) AS probe`,
  );
  return Number(row?.n ?? 0);
}

/**
 * The candidates of a query as a subquery, or null when the query is empty
 * once normalised (no restriction). Other accounts' and scopes' entries never
 * appear: their terms differ (the HMAC covers account and scope), and the
 * entry's account and scope are checked as well.
 */
export async function candidateSet(q: Db, { accountId, scope, query }: CandidateQuery): Promise<CandidateSet | null> {
  const planned = queryTerms(accountId, scope, query);
  if (!planned) return null;
  let terms = planned.terms;
  if (terms.length > 1) {
    const counts = await Promise.all(terms.map(async (term) => ({ term, n: await postings(q, term) })));
    counts.sort((a, b) => a.n - b.n);
    if (counts[0].n === 0) terms = [counts[0].term]; // one term nobody holds: no candidates, cheaply
    else terms = counts.map((c) => c.term);
  }
  const [lead, ...rest] = terms;
  const others = rest.map((term) => sql` AND EXISTS (SELECT 1 FROM search_terms o WHERE o.term = ${term} AND o.entry_id = t.entry_id)`);
  return {
    sql: sql`SELECT e.entity_id FROM search_terms t JOIN search_entries e ON e.id = t.entry_id WHERE t.term = ${lead} AND e.account_id = ${accountId} AND e.scope = ${scope}${sql.join(others, sql``)}`,
    exact: planned.exact,
  };
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
  const found = await rows<{ entity_id: string }>(q, sql`${set.sql}${limit}`);
  return { entityIds: found.map((r) => r.entity_id), exact: set.exact };
}
