/**
 * Finding events fast in a log of millions, newest first.
 *
 * Every filter becomes an indexed lookup; nothing is decrypted to filter:
 * - seq is the order (events are chained in seq order and their time never
 *   runs backwards), so a date range becomes a seq range found with two seeks
 *   on (account_id, occurred_at, seq), and a page is a keyset range of seq.
 * - Actor/Target text and free-text search are resolved first to sets of ids
 *   (the label index in ./party-labels.ts and the user directory), action
 *   codes (their names), failure reasons and an exact IP address. Each of
 *   those is a "branch": an equality on an indexed column, read newest first
 *   with LIMIT from its own (account_id, column, seq) index. The branches'
 *   seqs are merged, and only the rows of the final page are read in full.
 * - When a search matches very many parties, its matches are dense, so one
 *   scan down the seq index with the conditions as filters ends quickly.
 * - No statement grows with the number of matched parties: more than
 *   MAX_BRANCHES ids go into a per-connection temp table and the query reads
 *   them as `IN (SELECT id FROM temp.…)` (SQLite refuses more than 32,766 bound
 *   values and expressions deeper than 1,000, so a name matching thousands of
 *   users failed). The searchable encrypted index planned for the data layer
 *   (issue 11) will take the temp table's place as that subquery.
 * Totals are exact up to COUNT_CAP matching events (and always for a plain
 * date range, which is seq arithmetic); beyond that they are reported as
 * "more than COUNT_CAP" rather than walking a million index entries: a count
 * costs at most about COUNT_CAP index steps, like the page itself.
 */
import "server-only";
import type Database from "better-sqlite3";
import { sqliteHandle } from "@/lib/db/client";
import { directoryNameOrEmailIncludes, loadedDirectoryEntries } from "@/lib/users/directory";
import { ACTION_LABELS, FAILURE_REASON_LABELS } from "./actions";
import type { RawEventRow } from "./chain";
import type { EventFilters } from "./event-filters";
import { partyIdsMatching } from "./party-labels";

export const COUNT_CAP = 1_000;
/** Above this many branches a search scans the seq index instead (its matches are dense). */
const MAX_BRANCHES = 48;

/** An event as list queries read it (everything but the chain link and the account). */
export type EventRow = Omit<RawEventRow, "account_id" | "prev_hash">;

export type EventPage = {
  rows: EventRow[];
  total: number;
  /** False when there are more than COUNT_CAP matches and `total` is that cap. */
  totalExact: boolean;
  hasOlder: boolean;
  hasNewer: boolean;
};

type Condition = { sql: string; params: unknown[] };

type Plan = { empty: true } | { empty: false; shared: Condition[]; branches: Condition[]; plainRange: boolean };

const ROW_COLUMNS =
  "id, seq, occurred_at, action, actor_type, actor_id, actor_label_ciphertext, target_type, target_id, " +
  "target_label_ciphertext, details, private_details_ciphertext, ip, user_agent, hash";

const statements = new Map<string, Database.Statement>();

/** Prepared statements are cached by their text; the shapes are few (filters vary only in list lengths). */
function statement(sql: string): Database.Statement {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size > 500) statements.clear();
    stmt = sqliteHandle().prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const inList = (column: string, values: string[]): Condition => ({
  sql: `${column} IN (${placeholders(values.length)})`,
  params: values,
});

/** One temp table per filter that can hold a large set, so the sets of one query don't overwrite each other. */
const MATCH_TABLES = { actor: "lk_match_actor", target: "lk_match_target", search: "lk_match_search" } as const;
type MatchSlot = keyof typeof MATCH_TABLES;

/**
 * Puts a set of party ids where SQL can read it as a subquery, and returns that
 * subquery. The ids travel as one JSON value, so the statements' text and
 * parameter count are the same for 50 ids or 50,000. The table lives in this
 * connection's temp schema (no other connection sees it); it is refilled
 * synchronously right before the statements that read it, and better-sqlite3
 * runs one statement at a time, so no other request's set can slip in between.
 */
function matchSet(slot: MatchSlot, ids: string[]): string {
  const table = `temp.${MATCH_TABLES[slot]}`;
  sqliteHandle().exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
  statement(`DELETE FROM ${table}`).run();
  statement(`INSERT OR IGNORE INTO ${table} (id) SELECT value FROM json_each(?)`).run(JSON.stringify(ids));
  return `SELECT id FROM ${table}`;
}

/**
 * `column` is one of the ids: a plain IN list for a few ids (each can also be
 * its own indexed branch), the temp table for many. Unary + keeps SQLite from
 * reading that column's index for a large set (a seek per id, then a sort of
 * all their events); it walks the seq index newest first instead, where many
 * matching parties mean dense matches.
 */
function idCondition(slot: MatchSlot, column: string, ids: string[]): Condition {
  if (ids.length <= MAX_BRANCHES) return inList(column, ids);
  return { sql: `+${column} IN (${matchSet(slot, ids)})`, params: [] };
}

/** Action codes present in the account's log: one index seek per distinct code. */
export function distinctActions(accountId: string): string[] {
  return statement(
    `WITH RECURSIVE a(v) AS (
       SELECT (SELECT min(action) FROM activity_events WHERE account_id = @account)
       UNION ALL
       SELECT (SELECT min(action) FROM activity_events WHERE account_id = @account AND action > a.v) FROM a WHERE a.v IS NOT NULL
     ) SELECT v FROM a WHERE v IS NOT NULL`,
  )
    .pluck()
    .all({ account: accountId }) as string[];
}

/** Ids of actors or targets whose name, email or id matches the text, each once. */
export function partiesMatching(accountId: string, text: string): string[] {
  const needle = text.toLowerCase();
  const ids = partyIdsMatching(accountId, text);
  const seen = new Set(ids);
  for (const entry of loadedDirectoryEntries(accountId)?.values() ?? []) {
    // The cheap text test first: most entries fail it, and only matches pay for the Set lookup.
    if (directoryNameOrEmailIncludes(entry, needle) && !seen.has(entry.id)) ids.push(entry.id);
  }
  // An exact id (from a link or a script) always counts, even if nothing is labelled with it.
  if (/^[0-9A-Za-z_-]{8,}$/.test(text) && !seen.has(text) && !ids.includes(text)) ids.push(text);
  return ids;
}

/** Conditions for free text other than party names: actions, failure reasons, an exact IP. Their number is bounded by the code. */
function searchOtherBranches(accountId: string, text: string): Condition[] {
  const needle = text.toLowerCase();
  const branches: Condition[] = [];
  const actions = new Set([...Object.keys(ACTION_LABELS), ...distinctActions(accountId)]);
  for (const action of actions) {
    if (action.includes(needle) || (ACTION_LABELS[action] ?? "").toLowerCase().includes(needle)) {
      branches.push({ sql: "action = ?", params: [action] });
    }
  }
  for (const [reason, label] of Object.entries(FAILURE_REASON_LABELS)) {
    if (reason.includes(needle.replaceAll(" ", "_")) || label.toLowerCase().includes(needle)) {
      branches.push({ sql: "action = 'user.login.failed' AND json_extract(details, '$.reason') = ?", params: [reason] });
    }
  }
  if (/^[0-9a-f.:]+$/i.test(text) && /[.:]/.test(text)) branches.push({ sql: "ip = ?", params: [text] });
  return branches;
}

/**
 * Free-text search as branches: with few matches, one indexed branch per
 * party id, action, reason or IP; with many, a single condition that reads the
 * parties from a temp table, for a scan down the seq index.
 */
function searchBranches(accountId: string, text: string): Condition[] {
  const ids = partiesMatching(accountId, text);
  const others = searchOtherBranches(accountId, text);
  if (ids.length * 2 + others.length <= MAX_BRANCHES) {
    const byParty = ids.flatMap((id) => [
      { sql: "actor_id = ?", params: [id] },
      { sql: "target_id = ?", params: [id] },
    ]);
    return [...byParty, ...others];
  }
  const parties = matchSet("search", ids);
  // Unary + keeps SQLite from using those columns' indexes, so it walks the seq index in order.
  const any = [
    { sql: `+actor_id IN (${parties}) OR +target_id IN (${parties})`, params: [] },
    ...others.map((b) => ({ sql: b.sql.replace(/^(action|ip) /, "+$1 "), params: b.params })),
  ];
  return [{ sql: `((${any.map((b) => b.sql).join(") OR (")}))`, params: any.flatMap((b) => b.params) }];
}

/** One seq bound from a time: the first event at/after it, or the last one before it. */
function seqAtTime(accountId: string, at: Date, side: "from" | "to"): number | null {
  const sql =
    side === "from"
      ? "SELECT seq FROM activity_events WHERE account_id = ? AND occurred_at >= ? ORDER BY occurred_at, seq LIMIT 1"
      : "SELECT seq FROM activity_events WHERE account_id = ? AND occurred_at < ? ORDER BY occurred_at DESC, seq DESC LIMIT 1";
  return (statement(sql).pluck().get(accountId, at.getTime()) as number | undefined) ?? null;
}

function plan(accountId: string, filters: EventFilters): Plan {
  const shared: Condition[] = [{ sql: "account_id = ?", params: [accountId] }];
  let lo: number | null = null;
  let hi: number | null = null;
  if (filters.from) {
    lo = seqAtTime(accountId, filters.from, "from");
    if (lo === null) return { empty: true };
  }
  if (filters.to) {
    hi = seqAtTime(accountId, filters.to, "to");
    if (hi === null) return { empty: true };
  }
  if (filters.before !== undefined) hi = hi === null ? filters.before - 1 : Math.min(hi, filters.before - 1);
  if (filters.after !== undefined) lo = lo === null ? filters.after + 1 : Math.max(lo, filters.after + 1);
  if (lo !== null && hi !== null && lo > hi) return { empty: true };
  if (lo !== null) shared.push({ sql: "seq >= ?", params: [lo] });
  if (hi !== null) shared.push({ sql: "seq <= ?", params: [hi] });

  let branches: Condition[] = [];
  let narrowed = false;
  if (filters.action) {
    shared.push(inList("action", filters.action));
    narrowed = true;
  }
  for (const [filter, column] of [
    [filters.actor, "actor_id"],
    [filters.target, "target_id"],
  ] as const) {
    if (!filter) continue;
    const ids = partiesMatching(accountId, filter);
    if (ids.length === 0) return { empty: true };
    shared.push(idCondition(column === "actor_id" ? "actor" : "target", column, ids));
    if (branches.length === 0 && ids.length <= MAX_BRANCHES) {
      branches = ids.map((id) => ({ sql: `${column} = ?`, params: [id] }));
    }
    narrowed = true;
  }
  if (filters.search) {
    const found = searchBranches(accountId, filters.search);
    if (found.length === 0) return { empty: true };
    branches = found;
    narrowed = true;
  }
  if (branches.length === 0) branches = [{ sql: "1", params: [] }];
  return { empty: false, shared, branches, plainRange: !narrowed };
}

function where(plan: Extract<Plan, { empty: false }>, branch: Condition): Condition {
  const parts = [...plan.shared, branch];
  return { sql: parts.map((p) => p.sql).join(" AND "), params: parts.flatMap((p) => p.params) };
}

/** Seqs matching the plan, from every branch, newest first (or oldest first), at most `n` per branch. */
function matchingSeqs(p: Extract<Plan, { empty: false }>, n: number, order: "DESC" | "ASC"): number[] {
  const seen = new Set<number>();
  for (const branch of p.branches) {
    const w = where(p, branch);
    const seqs = statement(`SELECT seq FROM activity_events WHERE ${w.sql} ORDER BY seq ${order} LIMIT ?`)
      .pluck()
      .all(...w.params, n) as number[];
    for (const s of seqs) seen.add(s);
  }
  return [...seen].sort((a, b) => (order === "DESC" ? b - a : a - b));
}

function count(p: Extract<Plan, { empty: false }>): { total: number; exact: boolean } {
  if (p.plainRange) {
    // seq has no gaps, so a plain range is counted from its ends.
    // Two seeks (SQLite's min/max shortcut takes one aggregate per query, not both).
    const w = where(p, p.branches[0]);
    const end = (order: "ASC" | "DESC") =>
      statement(`SELECT seq FROM activity_events WHERE ${w.sql} ORDER BY seq ${order} LIMIT 1`).pluck().get(...w.params) as
        | number
        | undefined;
    const lo = end("ASC");
    const hi = end("DESC");
    return { total: lo === undefined || hi === undefined ? 0 : hi - lo + 1, exact: true };
  }
  const seen = new Set<number>();
  for (const branch of p.branches) {
    const w = where(p, branch);
    const seqs = statement(`SELECT seq FROM activity_events WHERE ${w.sql} LIMIT ?`)
      .pluck()
      .all(...w.params, COUNT_CAP + 1) as number[];
    for (const s of seqs) seen.add(s);
    if (seen.size > COUNT_CAP) return { total: COUNT_CAP, exact: false };
  }
  return { total: seen.size, exact: true };
}

export function rowsBySeq(accountId: string, seqs: number[]): EventRow[] {
  if (seqs.length === 0) return [];
  const rows = statement(
    `SELECT ${ROW_COLUMNS} FROM activity_events WHERE account_id = ? AND seq IN (${placeholders(seqs.length)})`,
  ).all(accountId, ...seqs) as EventRow[];
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  return seqs.flatMap((s) => bySeq.get(s) ?? []);
}

/** One page of events matching the filters, newest first. Callers check permission (./events.ts). */
export function queryEvents(accountId: string, filters: EventFilters, options: { withTotal?: boolean } = {}): EventPage {
  const p = plan(accountId, filters);
  if (p.empty) return { rows: [], total: 0, totalExact: true, hasOlder: false, hasNewer: false };
  const newerPage = filters.after !== undefined;
  const wanted = filters.offset + filters.limit;
  const seqs = matchingSeqs(p, wanted + 1, newerPage ? "ASC" : "DESC");
  let page = seqs.slice(filters.offset, wanted);
  const more = seqs.length > wanted;
  if (newerPage) page = page.reverse();
  const { total, exact } = options.withTotal === false ? { total: 0, exact: false } : count(p);
  return {
    rows: rowsBySeq(accountId, page),
    total,
    totalExact: exact,
    hasOlder: newerPage ? true : more,
    hasNewer: newerPage ? more : filters.before !== undefined || filters.offset > 0,
  };
}

/**
 * Every event matching the filters, newest first, in batches (for exports).
 * Keyset paging, so a million events cost a million index steps, not a
 * million squared.
 */
export function* eachEvent(accountId: string, filters: EventFilters, batchSize = 1000): Generator<EventRow[]> {
  let before = filters.before;
  for (;;) {
    const p = plan(accountId, { ...filters, before, after: undefined, offset: 0, limit: batchSize });
    if (p.empty) return;
    const seqs = matchingSeqs(p, batchSize, "DESC").slice(0, batchSize);
    if (seqs.length === 0) return;
    yield rowsBySeq(accountId, seqs);
    if (seqs.length < batchSize) return;
    before = seqs[seqs.length - 1];
  }
}
