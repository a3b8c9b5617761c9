/**
 * Moves the search index's recent postings (search_recent_terms) into the
 * main postings table (search_terms) in sorted batches.
 *
 * Why two tables: search_terms is keyed (scope, term, entry), so the ~100
 * postings of one created user land on ~90 different leaves of a large index,
 * and on SQLite every page a commit changes is a 4 KiB frame of the
 * write-ahead log: about three quarters of what a create wrote. The recent
 * table is small, so a write's postings share a few of its pages; a merge then
 * writes each leaf of search_terms once for the whole batch (the commoner
 * terms of many entities share their last leaf).
 *
 * Searches read both tables (lib/data/search-index.ts), so nothing waits for a
 * merge to be found, and a merge moves whole entries in one unit of work: an
 * entry's postings are never in both tables at once.
 *
 * When: after a commit has left enough postings in the recent table in this
 * process (a nudge), and on a timer for what the nudges left (a quiet
 * replica's few writes, another process's). Under a lease, so one replica
 * merges at a time; it is given back after each pass, so the next nudge may
 * come from any replica. The counter below only decides when to nudge; the
 * table itself is the truth, and any replica's pass merges all of it.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { execute, firstRow, rows } from "@/lib/db/raw";
import { withLease } from "./lease";
import { nudgedPass } from "./nudged-pass";
import { writeSystem } from "./unit-of-work";

/** Postings written to the recent table since this process's last merge that start one (about 40 created users). */
export const MERGE_AT_POSTINGS = 4_000;
/** Entries one merge transaction moves at most. */
const MERGE_BATCH_ENTRIES = 400;
/**
 * Postings one merge transaction moves at most (whole entries: an entry with
 * more goes alone). A slice holds what one nudge gathers (the threshold and
 * the last commit's postings past it), so a merge in the normal run of writes
 * is one transaction; a backlog (a burst of writes in one
 * process, a restart) goes in slices of this size with a turn of the event
 * loop between them, so requests (and their writes, queued behind the slice)
 * are served in between instead of after the whole backlog.
 */
export const MERGE_SLICE_POSTINGS = (MERGE_AT_POSTINGS * 3) / 2;
export const SEARCH_MERGE_LEASE = { name: "search-merge", ttlMs: 60_000 };

type MergeState = { pending: number };
// On globalThis: Next.js bundles instrumentation and routes separately; the counter must be one.
const holder = globalThis as unknown as { latchkeySearchMerge?: MergeState };
function state(): MergeState {
  return (holder.latchkeySearchMerge ??= { pending: 0 });
}

/**
 * Moves the oldest entries' postings from the recent table into search_terms
 * in one unit of work: at most `maxEntries` entries and, past the first entry,
 * at most `maxPostings` postings. Writers are serialised (BEGIN IMMEDIATE,
 * PostgreSQL's write lock), so no write to these entries interleaves.
 */
export async function mergeSlice(maxEntries: number, maxPostings: number): Promise<{ moved: number; more: boolean }> {
  return writeSystem(async (tx) => {
    const entries = await rows<{ entry_id: number | string; n: number | string }>(
      tx,
      sql`SELECT entry_id, count(*) AS "n" FROM search_recent_terms GROUP BY entry_id ORDER BY entry_id LIMIT ${maxEntries}`,
    );
    if (entries.length === 0) return { moved: 0, more: false };
    let take = 0;
    let postings = 0;
    while (take < entries.length && (take === 0 || postings + Number(entries[take].n) <= maxPostings)) postings += Number(entries[take++].n);
    const last = Number(entries[take - 1].entry_id);
    // In the main key's order, so each leaf is visited once. (WHERE before ON CONFLICT: SQLite would read ON as a join.)
    await execute(
      tx,
      sql`INSERT INTO search_terms (scope_id, term, entry_id)
          SELECT scope_id, term, entry_id FROM search_recent_terms WHERE entry_id <= ${last}
          ORDER BY scope_id, term, entry_id
          ON CONFLICT DO NOTHING`,
    );
    await execute(tx, sql`DELETE FROM search_recent_terms WHERE entry_id <= ${last}`);
    return { moved: take, more: take < entries.length || entries.length === maxEntries };
  });
}

/** Moves up to `maxEntries` entries' postings (the oldest entries first) in one unit of work; returns how many moved. */
export async function mergeRecentBatch(maxEntries = MERGE_BATCH_ENTRIES): Promise<number> {
  return (await mergeSlice(maxEntries, Number.MAX_SAFE_INTEGER)).moved;
}

/** Merges everything in the recent table, slice by slice, yielding to the event loop between slices; returns how many entries moved. */
export async function mergeRecentPostings(slicePostings = MERGE_SLICE_POSTINGS): Promise<number> {
  let moved = 0;
  for (;;) {
    const slice = await mergeSlice(MERGE_BATCH_ENTRIES, slicePostings);
    moved += slice.moved;
    if (!slice.more) return moved;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** One merge pass on this replica if no other is merging (then: ran false). Skips the lease when there is nothing to merge. */
export async function searchMergePass(options: { holder?: string } = {}): Promise<{ ran: true; result: number } | { ran: false }> {
  const any = await firstRow<{ one: number }>(db(), sql`SELECT 1 AS "one" FROM search_recent_terms LIMIT 1`);
  if (!any) return { ran: true, result: 0 };
  return withLease(SEARCH_MERGE_LEASE.name, SEARCH_MERGE_LEASE.ttlMs, mergeRecentPostings, { ...options, release: true });
}

/**
 * Called after a commit that wrote `count` postings to the recent table:
 * starts a merge in this process once enough have gathered. Never throws and
 * never makes the caller wait.
 */
export function notePendingPostings(count: number): void {
  const s = state();
  s.pending += count;
  if (s.pending >= MERGE_AT_POSTINGS) nudgeSearchMerge();
}

const merging = nudgedPass("search-merge", "Search index merge failed:", async () => {
  state().pending = 0;
  await searchMergePass();
  return false;
});

/** Starts a merge pass in this process soon, unless one is running (then that one goes round again). */
export function nudgeSearchMerge(): void {
  merging.nudge();
}

/** Resolves when this process's nudged merges are done (tests, shutdown). */
export async function searchMergeIdle(): Promise<void> {
  await merging.idle();
}
