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
 * (its newest event's) is decrypted. recordEvent adds new labels as it writes;
 * Latchkey is one process, so this index sees every write. A label from an
 * event whose transaction rolled back may linger; it can only widen a search
 * by an id that then matches no rows. An old name of a renamed party is found
 * only through its newest label or the current directory name, which both
 * lead to all of that party's events anyway.
 */
import "server-only";
import { decryptField } from "@/lib/crypto/aead";
import { sqliteHandle } from "@/lib/db/client";

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

function load(accountId: string): Labels {
  const sqlite = sqliteHandle();
  const labels: Labels = new Map();
  for (const column of COLUMNS) {
    // Loose index scan: one index seek per distinct id instead of reading every event.
    const distinctIds = sqlite
      .prepare(
        `WITH RECURSIVE ids(v) AS (
           SELECT (SELECT min(${column.id}) FROM activity_events WHERE account_id = @account)
           UNION ALL
           SELECT (SELECT min(${column.id}) FROM activity_events WHERE account_id = @account AND ${column.id} > ids.v)
           FROM ids WHERE ids.v IS NOT NULL
         ) SELECT v FROM ids WHERE v IS NOT NULL`,
      )
      .pluck()
      .all({ account: accountId }) as string[];
    const newest = sqlite.prepare(
      `SELECT id, ${column.label} AS label FROM activity_events
       WHERE account_id = ? AND ${column.id} = ? AND ${column.label} IS NOT NULL
       ORDER BY seq DESC LIMIT 1`,
    );
    for (const partyId of distinctIds) {
      const row = newest.get(accountId, partyId) as { id: string; label: string } | undefined;
      if (!row) continue;
      const label = decryptField(row.label, { table: "activity_events", column: column.aad, rowId: row.id });
      add(labels, partyId, label);
    }
  }
  return labels;
}

function add(labels: Labels, partyId: string, label: string): void {
  const lower = label.toLowerCase();
  const known = labels.get(partyId);
  if (known === undefined) labels.set(partyId, lower);
  else if (!known.split(SEPARATOR).includes(lower)) labels.set(partyId, `${known}${SEPARATOR}${lower}`);
}

function labelsOf(accountId: string): Labels {
  let labels = indexes.get(accountId);
  if (!labels) {
    labels = load(accountId);
    indexes.set(accountId, labels);
  }
  return labels;
}

/** Called by recordEvent for each labelled party it writes (no-op until the index is loaded). */
export function notePartyLabel(accountId: string, partyId: string, label: string): void {
  const labels = indexes.get(accountId);
  if (labels) add(labels, partyId, label);
}

/** Ids whose recorded label contains the text (case-insensitive). */
export function partyIdsMatching(accountId: string, needle: string): string[] {
  const lower = needle.toLowerCase();
  const found: string[] = [];
  // A needle with a newline could span two labels in the joined string: those are checked one by one.
  const spans = lower.includes(SEPARATOR);
  for (const [partyId, joined] of labelsOf(accountId)) {
    if (spans ? joined.split(SEPARATOR).some((label) => label.includes(lower)) : joined.includes(lower)) found.push(partyId);
  }
  return found;
}

/** Loads the account's label index now (at start-up), so the first search doesn't pay for it. */
export function warmPartyLabels(accountId: string): void {
  labelsOf(accountId);
}

/** Forgets every loaded index (tests that restart the database). */
export function resetPartyLabels(): void {
  indexes.clear();
}
