/**
 * The activity log's parties (actors and targets: people, tokens, groups…) in
 * the searchable encrypted index (lib/data/search-index.ts), so the log's
 * name search finds them without decrypting labels per request or keeping
 * them in process memory.
 *
 * A party is found by every label its events were recorded under: recordEvent
 * adds the event's labels in the event's own transaction (a rolled-back event
 * adds nothing), and the labels accumulate, so a renamed or deleted user's
 * events stay findable by the old name. They go when retention removes the
 * party's last event (forgetPartiesWithoutEvents): the search keeps a deleted
 * person's names no longer than the log does (review 31). The backfill source
 * reads the parties of events recorded before the index, with the newest label
 * of each (as the old in-process label index did).
 */
import "server-only";
import { sql } from "drizzle-orm";
import { decryptField } from "@/lib/crypto/aead";
import { registerSearchSource, type SearchSource, type SearchSourceBatch } from "@/lib/data/search-backfill";
import { addToEntity } from "@/lib/data/search-index";
import { afterCommit } from "@/lib/data/unit-of-work";
import type { Db, Tx } from "@/lib/db/database";
import { execute, rows } from "@/lib/db/raw";

export const PARTIES_SCOPE = "parties" as const;

type LabelledParty = { id: string | null; label?: string | null };

/**
 * Labels this process has committed to the index lately, with when. Adding a
 * label is idempotent, so skipping one found here only saves the write (the
 * same user acting all day would otherwise re-add the same terms with every
 * event); a label missing here is simply written again. Filled after commit,
 * so a rolled-back event never lets a later one skip its label. Trusted for an
 * hour only: retention (at least a day) forgets a party once its last event is
 * older than that, so a label remembered for less can't have been forgotten
 * meanwhile, by this process or another.
 */
const recent = new Map<string, number>();
const RECENT_MAX = 20_000;
const RECENT_TRUST_MS = 3_600_000;

function remember(key: string): void {
  recent.delete(key);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
  recent.set(key, Date.now());
}

const recentlyAdded = (key: string) => Date.now() - (recent.get(key) ?? -Infinity) < RECENT_TRUST_MS;

/** Adds the labels of an event's parties to the index, in the event's transaction. */
export async function indexEventParties(tx: Tx, event: { accountId: string; actor: LabelledParty; target?: LabelledParty }): Promise<void> {
  for (const party of [event.actor, event.target]) {
    if (!party?.id || !party.label) continue;
    const key = `${event.accountId}\u0000${party.id}\u0000${party.label}`;
    if (recentlyAdded(key)) continue;
    await addToEntity(tx, { accountId: event.accountId, scope: PARTIES_SCOPE, entityId: party.id, fields: [party.label] });
    afterCommit(tx, () => remember(key));
  }
}

/** Parties in one DELETE: well under SQLite's 32,766 bound values. */
const FORGET_BATCH = 500;

/**
 * Removes from the index the parties among `partyIds` that no event of the account names any more (retention
 * removed their last events, ./retention.ts), in the caller's transaction: their labels (a deleted person's
 * names) go with the log's record of them. Returns how many went.
 */
export async function forgetPartiesWithoutEvents(tx: Tx, accountId: string, partyIds: readonly string[]): Promise<number> {
  let forgotten = 0;
  for (let i = 0; i < partyIds.length; i += FORGET_BATCH) {
    const ids = sql.join(
      partyIds.slice(i, i + FORGET_BATCH).map((id) => sql`${id}`),
      sql`, `,
    );
    // The postings go with their entry (ON DELETE CASCADE).
    forgotten += await execute(
      tx,
      sql`DELETE FROM search_entries
          WHERE scope_id = (SELECT id FROM search_scopes WHERE account_id = ${accountId} AND scope = ${PARTIES_SCOPE})
            AND entity_id IN (${ids})
            AND NOT EXISTS (SELECT 1 FROM activity_events ev WHERE ev.account_id = ${accountId} AND ev.actor_id = search_entries.entity_id)
            AND NOT EXISTS (SELECT 1 FROM activity_events ev WHERE ev.account_id = ${accountId} AND ev.target_id = search_entries.entity_id)`,
    );
  }
  return forgotten;
}

const COLUMNS = [
  { id: "actor_id", label: "actor_label_ciphertext", aad: "actor_label" },
  { id: "target_id", label: "target_label_ciphertext", aad: "target_label" },
] as const;

/** Distinct party ids of one column above `after`, in order: a loose index scan (one seek per id, not one step per event). */
async function partyIdsAfter(q: Db, accountId: string, column: (typeof COLUMNS)[number], after: string, limit: number): Promise<string[]> {
  const c = sql.raw(column.id);
  const found = await rows<{ v: string }>(
    q,
    sql`WITH RECURSIVE ids(v) AS (
          SELECT (SELECT min(${c}) FROM activity_events WHERE account_id = ${accountId} AND ${c} > ${after})
          UNION ALL
          SELECT (SELECT min(${c}) FROM activity_events WHERE account_id = ${accountId} AND ${c} > ids.v)
          FROM ids WHERE ids.v IS NOT NULL
        ) SELECT v FROM ids WHERE v IS NOT NULL LIMIT ${limit}`,
  );
  return found.map((r) => r.v);
}

async function newestLabel(q: Db, accountId: string, column: (typeof COLUMNS)[number], partyId: string): Promise<string | null> {
  const [row] = await rows<{ id: string; label: string }>(
    q,
    sql`SELECT id, ${sql.raw(column.label)} AS label FROM activity_events
        WHERE account_id = ${accountId} AND ${sql.raw(column.id)} = ${partyId} AND ${sql.raw(column.label)} IS NOT NULL
        ORDER BY seq DESC LIMIT 1`,
  );
  return row ? decryptField(row.label, { table: "activity_events", column: column.aad, rowId: row.id }) : null;
}

/**
 * The backfill walks the actor column's distinct ids, then the target
 * column's: the cursor is "<column>:<last id>", so ids are compared only by
 * the database (whose collation orders them), never re-sorted here.
 */
export const partiesSearchSource: SearchSource = {
  scope: PARTIES_SCOPE,
  mode: "add",
  // Accounts with events but no parties index yet (counting distinct parties at every start would cost too much).
  unindexedAccounts: sql`SELECT a.id FROM accounts a
    WHERE EXISTS (SELECT 1 FROM activity_events ev WHERE ev.account_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM search_scopes s WHERE s.account_id = a.id AND s.scope = ${PARTIES_SCOPE})`,
  async batch(q: Db | Tx, accountId: string, after: string, limit: number): Promise<SearchSourceBatch> {
    const at = after.indexOf(":");
    let index = at < 0 ? 0 : Math.max(0, COLUMNS.findIndex((c) => c.id === after.slice(0, at)));
    let from = at < 0 ? "" : after.slice(at + 1);
    for (; index < COLUMNS.length; index++, from = "") {
      const column = COLUMNS[index];
      const ids = await partyIdsAfter(q, accountId, column, from, limit);
      if (ids.length === 0) continue;
      const items = [];
      for (const entityId of ids) {
        const label = await newestLabel(q, accountId, column, entityId);
        items.push({ entityId, fields: label === null ? [] : [label] });
      }
      const last = `${column.id}:${ids[ids.length - 1]}`;
      return { items, next: ids.length < limit && index === COLUMNS.length - 1 ? null : last };
    }
    return { items: [], next: null };
  },
};

registerSearchSource(partiesSearchSource);
