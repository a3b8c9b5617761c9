/**
 * Indexing what was written before the search index existed (an upgrade), or
 * by code that ran without it. At every start, each source names the
 * accounts whose index of its scope is missing or incomplete, and they are
 * marked pending (search_scopes.backfill_cursor). A background pass then
 * indexes each pending account in small batches, one transaction per batch,
 * yielding to requests between batches, and records how far it got, so a
 * restart resumes where it stopped. When an account's scope is done its
 * cursor is cleared, and searches switch from decrypt-and-filter (see
 * backfillCursor, scanMatches) to the index.
 *
 * Accounts created with the index are never pending: their entities are
 * indexed as they are written. Writes during the backfill are safe: each batch
 * reads and indexes under the write lock, and every write path indexes its own
 * change, so an entity is never left with terms of an older value.
 *
 * Several replicas may run the pass at once: each batch re-reads the cursor
 * under the lock, so they share the work instead of repeating it.
 */
import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import { and, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { db, type Db, type Tx } from "@/lib/db/database";
import { execute } from "@/lib/db/raw";
import { searchScopes } from "@/lib/db/schema";
import { keyRing } from "@/lib/crypto/keys";
import { matchesSearch } from "@/lib/crypto/search-terms";
import { addToEntity, findCandidates, indexEntity, type SearchScope } from "./search-index";
import { writeSystem } from "./unit-of-work";

export type SearchSourceItem = { entityId: string; fields: Array<string | null | undefined> };
/** A batch of a source, and where the next one starts (null: this was the last). */
export type SearchSourceBatch = { items: SearchSourceItem[]; next: string | null };

/** How a capability's existing rows are read for the backfill (registered by the capability, wired in lib/reactions.ts). */
export type SearchSource = {
  scope: SearchScope;
  /** replace: the fields are all the entity is found by (users); add: they join what it had (parties' labels). */
  mode: "replace" | "add";
  /**
   * SELECT of the ids of accounts whose entities of this scope may be missing
   * from the index (compared with the index's tables: search_scopes,
   * search_entries). Run at every start, so it must be cheap.
   */
  unindexedAccounts: SQL;
  /** After a backfill of an account: removes entries whose entity is gone (their count must match the table's). */
  prune?(tx: Tx, accountId: string): Promise<void>;
  /**
   * Up to `limit` of the account's entities from the position `after` (a
   * cursor the source defines: "" is the start), with their decrypted fields,
   * and the position after them. Called with the backfill's tx, or with db()
   * to search what the backfill has not reached yet (scanMatches).
   */
  batch(q: Db | Tx, accountId: string, after: string, limit: number): Promise<SearchSourceBatch>;
};

/** Entities per transaction: about 20–40 ms of hashing and writing each, so no request waits long behind one. */
export const BACKFILL_BATCH = 200;

// On globalThis: Next.js bundles instrumentation and routes separately; the registry must be one.
const holder = globalThis as unknown as { latchkeySearchSources?: Map<SearchScope, SearchSource> };
function sources(): Map<SearchScope, SearchSource> {
  holder.latchkeySearchSources ??= new Map();
  return holder.latchkeySearchSources;
}

export function registerSearchSource(source: SearchSource): void {
  sources().set(source.scope, source);
}

/**
 * At every start, before requests are served: marks the accounts whose index
 * of a scope is missing or incomplete (each source says which: see
 * SearchSource.unindexedAccounts). Stateless, so it also catches an account
 * written by code that ran without the index (a script on an old instance).
 * A backfill already under way keeps its cursor. Safe when replicas start
 * together (under the write lock, and idempotent).
 */
export async function planSearchBackfill(): Promise<number> {
  let planned = 0;
  for (const source of sources().values()) {
    planned += await writeSystem((tx) =>
      execute(
        tx,
        // "WHERE" before ON CONFLICT: without it SQLite reads ON as a join constraint of the SELECT.
        sql`INSERT INTO search_scopes (account_id, scope, backfill_cursor)
            SELECT a.id, ${source.scope}, '' FROM accounts a WHERE a.id IN (${source.unindexedAccounts})
            ON CONFLICT (account_id, scope) DO UPDATE SET backfill_cursor = COALESCE(search_scopes.backfill_cursor, '')`,
      ),
    );
  }
  return planned;
}

/** One batch of one account's scope; false when that account's scope is done (or another replica finished it). */
async function backfillBatch(source: SearchSource, accountId: string, batchSize: number): Promise<{ more: boolean; indexed: number }> {
  return writeSystem(async (tx) => {
    const where = and(eq(searchScopes.accountId, accountId), eq(searchScopes.scope, source.scope));
    const [state] = await tx.select({ cursor: searchScopes.backfillCursor }).from(searchScopes).where(where);
    if (state?.cursor == null) return { more: false, indexed: 0 };
    const { items, next } = await source.batch(tx, accountId, state.cursor, batchSize);
    for (const item of items) {
      const ref = { accountId, scope: source.scope, entityId: item.entityId, fields: item.fields };
      // Straight into search_terms: a batch of many entities is the merge's job done at once.
      if (source.mode === "replace") await indexEntity(tx, ref, { into: "main" });
      else await addToEntity(tx, ref, { into: "main" });
    }
    await tx.update(searchScopes).set({ backfillCursor: next }).where(where);
    if (next !== null) return { more: true, indexed: items.length };
    await source.prune?.(tx, accountId);
    return { more: false, indexed: items.length };
  });
}

/**
 * Indexes every pending account's existing entities, a batch at a time, and
 * returns how many it indexed. Runs in the background after start (it never
 * holds the write lock or the event loop for more than one batch).
 */
export async function runSearchBackfill(options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? BACKFILL_BATCH;
  const pending = await db().select({ accountId: searchScopes.accountId, scope: searchScopes.scope }).from(searchScopes).where(isNotNull(searchScopes.backfillCursor));
  let indexed = 0;
  for (const { accountId, scope } of pending) {
    const source = sources().get(scope as SearchScope);
    if (!source) continue; // a scope this version doesn't index (a newer replica planned it)
    for (;;) {
      const step = await backfillBatch(source, accountId, batchSize);
      indexed += step.indexed;
      if (!step.more) break;
      await nextTurn(); // let waiting requests run between batches
    }
  }
  return indexed;
}

/**
 * How far the backfill of an account's scope got: null when the scope is
 * complete (every entity is in the index), else the source's position after
 * the last batch it indexed ("" before the first). Entities from there on may
 * be missing from the index.
 */
export async function backfillCursor(q: Db, accountId: string, scope: SearchScope): Promise<string | null> {
  // A key rotation is under way (a previous key is configured): the index may hold terms made with
  // either key and a query makes them with one, so nothing it says is complete; search everything the
  // slow, exact way until the rotation rebuilt it (lib/ops/key-rotation.ts) and the old key is removed.
  if (keyRing().previous.length > 0) return "";
  const [found] = await q
    .select({ cursor: searchScopes.backfillCursor })
    .from(searchScopes)
    .where(and(eq(searchScopes.accountId, accountId), eq(searchScopes.scope, scope)))
    .limit(1);
  return found?.cursor ?? null;
}

/** Entities read per batch by scanMatches; it yields to requests between batches. */
const SCAN_BATCH = 1_000;

/**
 * The search of a scope the backfill has not finished: reads the entities
 * from `after` on through the source, decrypting them, and returns the ids of
 * those matching the query. As slow as the old decrypt-and-filter (it is that),
 * so only for the first minutes after an upgrade; it never holds the event
 * loop for more than one batch.
 */
export async function scanMatches(q: Db, accountId: string, scope: SearchScope, query: string, after: string): Promise<string[]> {
  const source = sources().get(scope);
  if (!source) throw new Error(`No search source is registered for "${scope}": is lib/reactions.ts loaded?`);
  const found: string[] = [];
  let cursor: string | null = after;
  while (cursor !== null) {
    const batch: SearchSourceBatch = await source.batch(q, accountId, cursor, SCAN_BATCH);
    for (const item of batch.items) if (matchesSearch(query, item.fields)) found.push(item.entityId);
    cursor = batch.next;
    if (cursor !== null) await nextTurn();
  }
  return found;
}

/**
 * Ids of a scope's entities that match a query, for callers that take the
 * index's candidates as they are (the activity log: a party is found by any
 * label it was recorded under, and confirming would mean decrypting every
 * label of every candidate). For a query of 4 or more characters a candidate
 * holds all of the query's trigrams but may not contain the query itself.
 * While the backfill runs, the entities it has not reached are read,
 * decrypted and tested (scanMatches), so nothing is missed. Null: an empty
 * query (no restriction).
 */
export async function entityIdsMatching(q: Db, ref: { accountId: string; scope: SearchScope; query: string }): Promise<string[] | null> {
  const found = await findCandidates(q, ref);
  if (!found) return null;
  const cursor = await backfillCursor(q, ref.accountId, ref.scope);
  if (cursor === null) return found.entityIds;
  const ids = new Set(found.entityIds);
  for (const id of await scanMatches(q, ref.accountId, ref.scope, ref.query, cursor)) ids.add(id);
  return [...ids];
}

/**
 * At start-up: plans before the server answers (a few counting queries), then
 * backfills in the background. A failure is logged; the next start resumes.
 */
export async function startSearchBackfill(): Promise<void> {
  const planned = await planSearchBackfill();
  if (planned === 0) return;
  console.log(`Search index: indexing the existing names of ${planned} account scope(s) in the background`);
  void runSearchBackfill().then(
    (indexed) => console.log(`Search index: indexed ${indexed} existing entities`),
    (err) => console.error("Search index: the backfill stopped (the next start resumes it):", err),
  );
}
