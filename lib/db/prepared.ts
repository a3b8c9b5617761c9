/**
 * Statements built once with placeholders and kept, the one prepare-once
 * mechanism for both dialects: Drizzle's builder turns a query into SQL on
 * every call, which costs about as much CPU as running a small indexed query
 * (creating a user runs a dozen lookups: ~1.3 ms of a create's ~5 ms when
 * each was built per call). A statement kept here only binds values per call.
 *
 * A statement is kept per Drizzle database object it was built on (tests and
 * scripts reopen databases, so never one module-level statement):
 * - perDatabase: reads of committed data on db(), never inside a unit of work.
 * - perTransaction: statements for a unit of work, built on the tx it runs in, or for a function that
 *   takes either a tx or db() (kept per Drizzle database object, whichever it is). That tx is the one
 *   Drizzle database on SQLite's writer connection, and one per pooled writer connection on
 *   PostgreSQL (lib/db/postgres.ts), so a statement kept for a tx runs on the connection it was
 *   built for and inside whatever transaction that connection has open.
 * - perTransactionBy: the same, with a few variants per database chosen by a key (e.g. how many
 *   blind indexes a lookup takes: one, or two during a key rotation).
 *
 * Values go in through `sql.placeholder(name)` and `execute({ name })`. A statement's SQL must
 * not depend on the values; a LIMIT is written with literalLimit (below).
 */
import "server-only";
import crypto from "node:crypto";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { db, dialect, engine, type Db, type Tx } from "./database";

/** Drizzle's prepared query on either dialect: `execute` gives the rows (synchronously on SQLite). */
export type PreparedRows<R> = { execute(values?: Record<string, unknown>): Promise<R[]> | R[] };

/** Keeps what `build` makes per Drizzle database object (the one mechanism behind the functions below). */
function keptPer<K extends object, T>(build: (d: K) => T): (d: K) => T {
  const built = new WeakMap<K, T>();
  return (d) => {
    let statement = built.get(d);
    if (statement === undefined) built.set(d, (statement = namedOnPostgres(build(d))));
    return statement;
  };
}

/** What Drizzle's node-postgres prepared query holds (drizzle-orm 0.45 NodePgPreparedQuery): the configs it hands node-postgres. */
type PgQueryConfigs = { rawQueryConfig: { name?: string; text: string }; queryConfig: { name?: string; text: string } };

function isPgPreparedQuery(statement: unknown): statement is PgQueryConfigs {
  const s = statement as Partial<PgQueryConfigs> | null;
  return typeof s === "object" && s !== null && typeof s.rawQueryConfig?.text === "string" && typeof s.queryConfig?.text === "string";
}

/**
 * PostgreSQL: a kept statement becomes a named one (the name a digest of its SQL), so each pooled
 * connection parses and plans it once and afterwards only binds and runs it. Drizzle's `.prepare()`
 * without a name sends it unnamed: parsed and planned by the server on every run, which for the
 * short statements kept here is most of their server time (pg_stat_statements, round 11). A kept
 * statement's SQL never depends on its values, so a name names one text (node-postgres refuses a
 * name reused for another text). SQLite's prepared statements are already parsed once.
 */
function namedOnPostgres<T>(statement: T, depth = 0): T {
  if (isPgPreparedQuery(statement)) {
    if (statement.queryConfig.name) return statement;
    const name = `lk_${crypto.createHash("sha256").update(statement.queryConfig.text).digest("hex").slice(0, 28)}`;
    statement.rawQueryConfig.name = name;
    statement.queryConfig.name = name;
  } else if (depth < 3 && typeof statement === "object" && statement !== null && Object.getPrototypeOf(statement) === Object.prototype) {
    // A set of statements built together (e.g. one per kind of list: { all: { me, others }, … }).
    for (const value of Object.values(statement)) namedOnPostgres(value, depth + 1);
  }
  return statement;
}

/** Builds a statement on first use per database (tests and scripts reopen databases) and keeps it. */
export function perDatabase<T>(build: (d: Db) => T): () => T {
  const kept = keptPer(build);
  return () => kept(db());
}

/**
 * Builds a statement on first use per unit-of-work tx (the writer connection's Drizzle database)
 * and keeps it for that tx: `const q = perTransaction((tx) => tx.insert(…).values({ … sql.placeholder("x") … }).prepare())`,
 * then `await q(tx).execute({ x })`. The caller must be inside the unit of work that owns tx.
 */
export function perTransaction<T>(build: (tx: Tx) => T): (tx: Tx) => T {
  return keptPer(build);
}

/**
 * perTransaction with variants: `build(tx, key)` on first use of each key per tx (or db()), then
 * kept. Keys must be few (a handful of shapes), never values.
 */
export function perTransactionBy<K, T>(build: (tx: Tx, key: K) => T): (tx: Tx, key: K) => T {
  const variants = keptPer((tx: Tx) => new Map<K, T>());
  return (tx, key) => {
    const byKey = variants(tx);
    let statement = byKey.get(key);
    if (statement === undefined) byKey.set(key, (statement = namedOnPostgres(build(tx, key))));
    return statement;
  };
}

/** A kept hand-written statement: its rows for the values of $1, $2, … in order. */
export type KeptSql<R> = { rows(values: readonly unknown[]): Promise<R[]> };

/**
 * A statement Drizzle's builder can't write (e.g. an INSERT … SELECT of some of a table's columns: its
 * insert-select wants every one, or PostgreSQL's unnest of an array), in the SQL of the dialects that run it,
 * kept per unit-of-work tx like the rest: better-sqlite3's own statement on SQLite's writer, a named statement
 * on PostgreSQL (built at its first run, so one only PostgreSQL runs is never prepared on SQLite). Its parameters
 * are $1, $2, … each once and in order (SQLite gets them as ?). Inside the unit of work that owns tx,
 * as perTransaction.
 */
export function perTransactionSql<R>(text: string): (tx: Tx) => KeptSql<R> {
  const numbers = [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  if (numbers.some((n, i) => n !== i + 1)) throw new Error("perTransactionSql: write the parameters $1, $2, … each once, in order");
  const name = `lk_${crypto.createHash("sha256").update(text).digest("hex").slice(0, 28)}`;
  return keptPer((tx: Tx): KeptSql<R> => {
    const native = engine().native;
    if (native.kind === "sqlite") {
      const statement = native.writer.prepare<unknown[], R>(text.replace(/\$\d+/g, "?"));
      return { rows: async (values) => (statement.reader ? statement.all(...values) : (statement.run(...values), [])) };
    }
    const client = (tx as unknown as { $client: { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }> } }).$client;
    return { rows: async (values) => (await client.query({ name, text, values: [...values] })).rows };
  });
}

/**
 * `column` is one of a set of ids bound to placeholder `name` as one value (bind idSetValue(ids)),
 * so sets of any size share one statement: SQLite reads a JSON array with json_each, PostgreSQL a text[].
 */
export function inIdSet(column: SQLWrapper, name: string): SQL {
  if (dialect() === "postgres") return sql`${column} = ANY(${sql.placeholder(name)}::text[])`;
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;
}

/** The value for an inIdSet placeholder. */
export function idSetValue(ids: readonly string[]): string | string[] {
  return dialect() === "postgres" ? [...ids] : JSON.stringify(ids);
}

/**
 * A LIMIT written into the SQL instead of bound: `.limit(literalLimit(1))`. Drizzle binds a number
 * given to `.limit()` as a parameter, and SQLite (3.53, as better-sqlite3 12 bundles it) looks
 * at a bound LIMIT while planning, so it recompiles the statement every time the value is
 * bound again, i.e. on every run of a kept statement (measured: a primary-key lookup 2 µs with the
 * literal, 8–10 µs bound; a join costs its whole parse and plan again). For statements kept for
 * hot paths with a fixed limit.
 */
export function literalLimit(rows: number): number {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error("literalLimit takes a whole number of rows");
  // Drizzle writes an SQL object given as the limit into the statement as it is (its dialects' buildLimit).
  return sql.raw(String(rows)) as unknown as number;
}
