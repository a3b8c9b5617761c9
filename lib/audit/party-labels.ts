/**
 * The activity log's label index: for each account, every actor and target id
 * that appears in its events, with the decrypted label (name or email) it was
 * recorded under. Free-text search and the Actor/Target filters match text
 * against these labels and the live user directory, then query the events by
 * id through indexes.
 *
 * Why this design: labels are encrypted with a random nonce per event, so SQL
 * can't search them, and decrypting a million rows per request is out of the
 * question. The set of distinct parties is small (the people, tokens and
 * groups of one account), so each account's parties are loaded once per
 * process: a loose index scan finds the distinct ids, and one label per id
 * (its newest event's) is decrypted. recordEvent adds new labels after its
 * unit of work commits, so this index sees this process's writes only (being
 * replaced by a searchable index in the database, issue 11). An old name of a renamed party is found
 * only through its newest label or the current directory name, which both
 * lead to all of that party's events anyway.
 */
import "server-only";
import { decryptField } from "@/lib/crypto/aead";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";

/**
 * Party id → every label it was recorded under, lowercased and joined by
 * newlines: one string per party, so a search is one `includes` per party
 * with nothing allocated (it runs over 100,000 parties per request).
 */
type Labels = Map<string, string>;
const SEPARATOR = "\n";

const globalForLabels = globalThis as unknown as { latchkeyPartyLabels?: Map<string, Labels> };
const indexes: Map<string, Labels> = (globalForLabels.latchkeyPartyLabels ??= new Map());

const COLUMNS = [
  { id: "actor_id", label: "actor_label_ciphertext", aad: "actor_label" },
  { id: "target_id", label: "target_label_ciphertext", aad: "target_label" },
] as const;

/** Fills labels with the account's parties (called with the map already in place, so labels noted meanwhile aren't lost). */
async function load(accountId: string, labels: Labels): Promise<void> {
  for (const column of COLUMNS) {
    // Loose index scan: one index seek per distinct id instead of reading every event.
    const distinctIds = await rows<{ v: string }>(
      db(),
      sql`WITH RECURSIVE ids(v) AS (
            SELECT (SELECT min(${sql.raw(column.id)}) FROM activity_events WHERE account_id = ${accountId})
            UNION ALL
            SELECT (SELECT min(${sql.raw(column.id)}) FROM activity_events WHERE account_id = ${accountId} AND ${sql.raw(column.id)} > ids.v)
            FROM ids WHERE ids.v IS NOT NULL
          ) SELECT v FROM ids WHERE v IS NOT NULL`,
    );
    for (const { v: partyId } of distinctIds) {
      const [row] = await rows<{ id: string; label: string }>(
        db(),
        sql`SELECT id, ${sql.raw(column.label)} AS label FROM activity_events
            WHERE account_id = ${accountId} AND ${sql.raw(column.id)} = ${partyId} AND ${sql.raw(column.label)} IS NOT NULL
            ORDER BY seq DESC LIMIT 1`,
      );
      if (!row) continue;
      add(labels, partyId, decryptField(row.label, { table: "activity_events", column: column.aad, rowId: row.id }));
    }
  }
}

function add(labels: Labels, partyId: string, label: string): void {
  const lower = label.toLowerCase();
  const known = labels.get(partyId);
  if (known === undefined) labels.set(partyId, lower);
  else if (!known.split(SEPARATOR).includes(lower)) labels.set(partyId, `${known}${SEPARATOR}${lower}`);
}

const globalForLoading = globalThis as unknown as { latchkeyPartyLabelsLoading?: Map<string, Promise<Labels>> };
const loading: Map<string, Promise<Labels>> = (globalForLoading.latchkeyPartyLabelsLoading ??= new Map());

/** The account's index, loaded once; concurrent first callers share one load. */
async function labelsOf(accountId: string): Promise<Labels> {
  const loaded = indexes.get(accountId);
  if (loaded && !loading.has(accountId)) return loaded;
  let pending = loading.get(accountId);
  if (!pending) {
    const labels: Labels = new Map();
    indexes.set(accountId, labels);
    pending = load(accountId, labels).then(
      () => {
        loading.delete(accountId);
        return labels;
      },
      (err: unknown) => {
        loading.delete(accountId);
        indexes.delete(accountId);
        throw err;
      },
    );
    loading.set(accountId, pending);
  }
  return pending;
}

/** Called by recordEvent for each labelled party it writes (no-op until the index is loaded). */
export function notePartyLabel(accountId: string, partyId: string, label: string): void {
  const labels = indexes.get(accountId);
  if (labels) add(labels, partyId, label);
}

/** Ids whose recorded label contains the text (case-insensitive). */
export async function partyIdsMatching(accountId: string, needle: string): Promise<string[]> {
  const lower = needle.toLowerCase();
  const found: string[] = [];
  // A needle with a newline could span two labels in the joined string: those are checked one by one.
  const spans = lower.includes(SEPARATOR);
  for (const [partyId, joined] of await labelsOf(accountId)) {
    if (spans ? joined.split(SEPARATOR).some((label) => label.includes(lower)) : joined.includes(lower)) found.push(partyId);
  }
  return found;
}

/** Loads the account's label index now (at start-up), so the first search doesn't pay for it. Never rejects: a failure is logged and the first search loads it. */
export async function warmPartyLabels(accountId: string): Promise<void> {
  try {
    await labelsOf(accountId);
  } catch (err) {
    console.error("Loading the activity label index failed:", err);
  }
}

/** Forgets every loaded index (tests that restart the database). */
export function resetPartyLabels(): void {
  indexes.clear();
  loading.clear();
}
