/**
 * Finding events fast in a log of millions, newest first.
 *
 * Every filter becomes an indexed lookup; nothing is decrypted to filter:
 * - seq is the order (events are chained in seq order and their time never
 *   runs backwards), so a date range becomes a seq range found with two seeks
 *   on (account_id, occurred_at, seq), and a page is a keyset range of seq.
 * - Actor/Target text and free-text search are resolved first to sets of ids
 *   (the searchable encrypted index: parties by their recorded labels,
 *   ./party-search.ts, and users by their current name and email), action
 *   codes (their names), failure reasons and an exact IP address. Each of
 *   those is a "branch": an equality on an indexed column, read newest first
 *   with LIMIT from its own (account_id, column, seq) index. The branches'
 *   seqs are merged, and only the rows of the final page are read in full.
 * - When a search matches very many parties, its matches are dense, so one
 *   scan down the seq index with the conditions as filters ends quickly.
 * - No statement grows with the number of matched parties: more than
 *   MAX_BRANCHES ids travel as ONE bound value (SQLite: a JSON array read with
 *   json_each; PostgreSQL: a text[] compared with = ANY), so the statement's
 *   text and parameter count are the same for 50 ids or 50,000 (SQLite
 *   refuses more than 32,766 bound values, PostgreSQL 65,535). The searchable
 *   encrypted index planned for the data layer (issue 11) will take that
 *   set's place as a subquery.
 * Totals are exact up to COUNT_CAP matching events (and always for a plain
 * date range, which is seq arithmetic); beyond that they are reported as
 * "more than COUNT_CAP" rather than walking a million index entries: a count
 * costs at most about COUNT_CAP index steps, like the page itself.
 */
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { entityIdsMatching } from "@/lib/data/search-backfill";
import { addressBlindIndexes } from "@/lib/crypto/blind-index";
import { ACTION_LABELS, FAILURE_REASON_LABELS } from "./action-labels";
import type { RawEventRow } from "./chain";
import type { EventFilters } from "./event-filters";
import { PARTIES_SCOPE } from "./party-search";

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

/** A branch of null is "every event the shared conditions allow". */
type Plan = { empty: true } | { empty: false; shared: SQL[]; branches: Array<SQL | null>; plainRange: boolean };

const ROW_COLUMNS = sql.raw(
  "id, seq, occurred_at, action, actor_type, actor_id, actor_label_ciphertext, target_type, target_id, " +
    "target_label_ciphertext, details, private_details_ciphertext, ip, user_agent, ip_ciphertext, user_agent_ciphertext, ip_index, hash",
);

/**
 * A column the planner should not read through its own index: SQLite's unary
 * + (for a large set, a seek per id and a sort of all their events is slower
 * than walking the seq index newest first, where many matches are dense).
 * PostgreSQL's planner weighs that itself (and has no unary + on text).
 */
function unindexed(column: string): SQL {
  return sql.raw(dialect() === "sqlite" ? `+${column}` : column);
}

/** `column` is one of many ids, bound as one value whatever their number. */
function inIdSet(column: SQL, ids: string[]): SQL {
  if (dialect() === "postgres") return sql`${column} = ANY(${sql.param(ids)}::text[])`;
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** A top-level text field of the details JSON (stored as JSON text in both dialects). */
function detailsField(key: string): SQL {
  if (dialect() === "postgres") return sql`(details::jsonb ->> ${key})`;
  return sql`json_extract(details, ${`$.${key}`})`;
}

/**
 * `column` is one of the ids: a plain IN list for a few ids (each can also be
 * its own indexed branch), one bound set for many, read without the column's
 * index (see unindexed).
 */
function idCondition(column: string, ids: string[]): SQL {
  if (ids.length <= MAX_BRANCHES) return sql`${sql.raw(column)} IN ${ids}`;
  return inIdSet(unindexed(column), ids);
}

/** Action codes present in the account's log: one index seek per distinct code. */
export async function distinctActions(accountId: string): Promise<string[]> {
  const found = await rows<{ v: string }>(
    db(),
    sql`WITH RECURSIVE a(v) AS (
          SELECT (SELECT min(action) FROM activity_events WHERE account_id = ${accountId})
          UNION ALL
          SELECT (SELECT min(action) FROM activity_events WHERE account_id = ${accountId} AND action > a.v) FROM a WHERE a.v IS NOT NULL
        ) SELECT v FROM a WHERE v IS NOT NULL`,
  );
  return found.map((r) => r.v);
}

/** Ids of actors or targets whose name, email or id matches the text, each once. */
export async function partiesMatching(accountId: string, text: string): Promise<string[]> {
  // Parties by any label their events were recorded under, and users by their name and email now.
  const [labelled, people] = await Promise.all([
    entityIdsMatching(db(), { accountId, scope: PARTIES_SCOPE, query: text }),
    entityIdsMatching(db(), { accountId, scope: "users", query: text }),
  ]);
  const ids = new Set([...(labelled ?? []), ...(people ?? [])]);
  // An exact id (from a link or a script) always counts, even if nothing is labelled with it.
  if (/^[0-9A-Za-z_-]{8,}$/.test(text)) ids.add(text);
  return [...ids];
}

/** Branches for free text other than party names: actions, failure reasons, an exact IP, by column. Their number is bounded by the code. */
async function searchOtherBranches(accountId: string, text: string): Promise<Array<{ column: "action" | "ip" | "ip_index"; sql: SQL }>> {
  const needle = text.toLowerCase();
  const branches: Array<{ column: "action" | "ip" | "ip_index"; sql: SQL }> = [];
  const actions = new Set([...Object.keys(ACTION_LABELS), ...(await distinctActions(accountId))]);
  for (const action of actions) {
    if (action.includes(needle) || (ACTION_LABELS[action] ?? "").toLowerCase().includes(needle)) {
      branches.push({ column: "action", sql: sql`= ${action}` });
    }
  }
  for (const [reason, label] of Object.entries(FAILURE_REASON_LABELS)) {
    if (reason.includes(needle.replaceAll(" ", "_")) || label.toLowerCase().includes(needle)) {
      branches.push({ column: "action", sql: sql`= ${"user.login.failed"} AND ${detailsField("reason")} = ${reason}` });
    }
  }
  if (/^[0-9a-f.:]+$/i.test(text) && /[.:]/.test(text)) {
    // Sealed since review 17: found by its blind index (under each readable key while a rotation runs); events from before by the plaintext.
    for (const index of addressBlindIndexes(text)) branches.push({ column: "ip_index", sql: sql`= ${index}` });
    branches.push({ column: "ip", sql: sql`= ${text}` });
  }
  return branches;
}

/**
 * Free-text search as branches: with few matches, one indexed branch per
 * party id, action, reason or IP; with many, a single condition with the
 * parties as one bound set, for a scan down the seq index.
 */
async function searchBranches(accountId: string, text: string): Promise<SQL[]> {
  const ids = await partiesMatching(accountId, text);
  const others = await searchOtherBranches(accountId, text);
  if (ids.length * 2 + others.length <= MAX_BRANCHES) {
    const byParty = ids.flatMap((id) => [sql`actor_id = ${id}`, sql`target_id = ${id}`]);
    return [...byParty, ...others.map((b) => sql`${sql.raw(b.column)} ${b.sql}`)];
  }
  // Without those columns' indexes, so the scan walks the seq index in order.
  const any = [
    sql`${inIdSet(unindexed("actor_id"), ids)} OR ${inIdSet(unindexed("target_id"), ids)}`,
    ...others.map((b) => sql`${unindexed(b.column)} ${b.sql}`),
  ];
  return [sql`((${sql.join(any, sql`) OR (`)}))`];
}

/** The seqs a query returns, as numbers. */
async function seqs(query: SQL): Promise<number[]> {
  return (await rows<{ seq: number | string }>(db(), query)).map((r) => Number(r.seq));
}

/** One seq bound from a time: the first event at/after it, or the last one before it. */
async function seqAtTime(accountId: string, at: Date, side: "from" | "to"): Promise<number | null> {
  const [seq] = await seqs(
    side === "from"
      ? sql`SELECT seq FROM activity_events WHERE account_id = ${accountId} AND occurred_at >= ${at.getTime()} ORDER BY occurred_at, seq LIMIT 1`
      : sql`SELECT seq FROM activity_events WHERE account_id = ${accountId} AND occurred_at < ${at.getTime()} ORDER BY occurred_at DESC, seq DESC LIMIT 1`,
  );
  return seq ?? null;
}

async function plan(accountId: string, filters: EventFilters): Promise<Plan> {
  const shared: SQL[] = [sql`account_id = ${accountId}`];
  let lo: number | null = null;
  let hi: number | null = null;
  if (filters.from) {
    lo = await seqAtTime(accountId, filters.from, "from");
    if (lo === null) return { empty: true };
  }
  if (filters.to) {
    hi = await seqAtTime(accountId, filters.to, "to");
    if (hi === null) return { empty: true };
  }
  if (filters.before !== undefined) hi = hi === null ? filters.before - 1 : Math.min(hi, filters.before - 1);
  if (filters.after !== undefined) lo = lo === null ? filters.after + 1 : Math.max(lo, filters.after + 1);
  if (lo !== null && hi !== null && lo > hi) return { empty: true };
  if (lo !== null) shared.push(sql`seq >= ${lo}`);
  if (hi !== null) shared.push(sql`seq <= ${hi}`);

  let branches: Array<SQL | null> = [];
  let narrowed = false;
  if (filters.action) {
    shared.push(sql`action IN ${filters.action}`);
    narrowed = true;
  }
  for (const [filter, column] of [
    [filters.actor, "actor_id"],
    [filters.target, "target_id"],
  ] as const) {
    if (!filter) continue;
    const ids = await partiesMatching(accountId, filter);
    if (ids.length === 0) return { empty: true };
    shared.push(idCondition(column, ids));
    if (branches.length === 0 && ids.length <= MAX_BRANCHES) {
      branches = ids.map((id) => sql`${sql.raw(column)} = ${id}`);
    }
    narrowed = true;
  }
  if (filters.search) {
    const found = await searchBranches(accountId, filters.search);
    if (found.length === 0) return { empty: true };
    branches = found;
    narrowed = true;
  }
  if (branches.length === 0) branches = [null];
  return { empty: false, shared, branches, plainRange: !narrowed };
}

function where(plan: Extract<Plan, { empty: false }>, branch: SQL | null): SQL {
  return sql.join(branch ? [...plan.shared, branch] : plan.shared, sql` AND `);
}

/** Seqs matching the plan, from every branch, newest first (or oldest first), at most `n` per branch. */
async function matchingSeqs(p: Extract<Plan, { empty: false }>, n: number, order: "DESC" | "ASC"): Promise<number[]> {
  const seen = new Set<number>();
  for (const branch of p.branches) {
    for (const s of await seqs(sql`SELECT seq FROM activity_events WHERE ${where(p, branch)} ORDER BY seq ${sql.raw(order)} LIMIT ${n}`)) {
      seen.add(s);
    }
  }
  return [...seen].sort((a, b) => (order === "DESC" ? b - a : a - b));
}

async function count(p: Extract<Plan, { empty: false }>): Promise<{ total: number; exact: boolean }> {
  if (p.plainRange) {
    // seq has no gaps, so a plain range is counted from its ends.
    // Two seeks (SQLite's min/max shortcut takes one aggregate per query, not both).
    const w = where(p, p.branches[0]);
    const end = async (order: "ASC" | "DESC") =>
      (await seqs(sql`SELECT seq FROM activity_events WHERE ${w} ORDER BY seq ${sql.raw(order)} LIMIT 1`))[0];
    const lo = await end("ASC");
    const hi = await end("DESC");
    return { total: lo === undefined || hi === undefined ? 0 : hi - lo + 1, exact: true };
  }
  const seen = new Set<number>();
  for (const branch of p.branches) {
    for (const s of await seqs(sql`SELECT seq FROM activity_events WHERE ${where(p, branch)} LIMIT ${COUNT_CAP + 1}`)) seen.add(s);
    if (seen.size > COUNT_CAP) return { total: COUNT_CAP, exact: false };
  }
  return { total: seen.size, exact: true };
}

export async function rowsBySeq(accountId: string, seqList: number[]): Promise<EventRow[]> {
  if (seqList.length === 0) return [];
  const found = await rows<EventRow>(
    db(),
    sql`SELECT ${ROW_COLUMNS} FROM activity_events WHERE account_id = ${accountId} AND seq IN ${seqList}`,
  );
  // PostgreSQL's bigint time arrives as a string from hand-written SQL.
  const bySeq = new Map(found.map((r) => [Number(r.seq), { ...r, seq: Number(r.seq), occurred_at: Number(r.occurred_at) }]));
  return seqList.flatMap((s) => bySeq.get(s) ?? []);
}

/** One page of events matching the filters, newest first. Callers check permission (./events.ts). */
export async function queryEvents(accountId: string, filters: EventFilters, options: { withTotal?: boolean } = {}): Promise<EventPage> {
  const p = await plan(accountId, filters);
  if (p.empty) return { rows: [], total: 0, totalExact: true, hasOlder: false, hasNewer: false };
  const newerPage = filters.after !== undefined;
  const wanted = filters.offset + filters.limit;
  const found = await matchingSeqs(p, wanted + 1, newerPage ? "ASC" : "DESC");
  let page = found.slice(filters.offset, wanted);
  const more = found.length > wanted;
  if (newerPage) page = page.reverse();
  const { total, exact } = options.withTotal === false ? { total: 0, exact: false } : await count(p);
  return {
    rows: await rowsBySeq(accountId, page),
    total,
    totalExact: exact,
    hasOlder: newerPage ? true : more,
    hasNewer: newerPage ? more : filters.before !== undefined || filters.offset > 0,
  };
}

/**
 * Every event matching the filters, newest first, in batches (for exports and
 * /api/events/audit without a limit). Keyset paging, so a million events cost
 * a million index steps, not a million squared. `after` bounds it below (it was
 * dropped: ?after=N answered the whole log).
 */
export async function* eachEvent(accountId: string, filters: EventFilters, batchSize = 1000): AsyncGenerator<EventRow[]> {
  let before = filters.before;
  for (;;) {
    const p = await plan(accountId, { ...filters, before, offset: 0, limit: batchSize });
    if (p.empty) return;
    const found = (await matchingSeqs(p, batchSize, "DESC")).slice(0, batchSize);
    if (found.length === 0) return;
    yield await rowsBySeq(accountId, found);
    if (found.length < batchSize) return;
    before = found[found.length - 1];
  }
}
