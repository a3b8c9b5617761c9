/**
 * `npm run db:copy` (scripts/db-copy.ts): copies a SQLite instance into an
 * empty PostgreSQL database. Every table of the schema, parents before the
 * tables that reference them, in batches, all in one transaction (a copy that
 * fails leaves no rows; the row counts are checked before it commits), with
 * every value as the application holds it (Drizzle maps each dialect's storage:
 * times, booleans, JSON), so activity events keep their seq, prev_hash and hash
 * and the chain verifies on the target. Then the row counts are compared, and
 * the copy is vacuumed and analysed (statistics for the planner from the start).
 *
 * The target is migrated first, under the same advisory lock a starting
 * replica takes (lib/db/postgres.ts), so a server started on it meanwhile waits
 * for the copy to end. A database that already holds Latchkey rows is refused
 * before anything changes: a copy never merges into or overwrites data.
 *
 * The activity log's append-only triggers stay on: they refuse unsealed
 * inserts, updates and deletes, and a copy only inserts sealed events (the
 * source is opened as a start opens it, which seals events from before the
 * chain). So the triggers guard the copy instead of being switched off for it.
 */
import "server-only";
import { getTableColumns, is, sql } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { PgTable, type PgInsertValue } from "drizzle-orm/pg-core";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";
import { connectionFailure, MIGRATION_LOCK, OLDEST_SUPPORTED_VERSION, POSTGRES_MIGRATIONS } from "./postgres";
import * as pgSchema from "./schema.pg";
import * as sqliteSchema from "./schema.sqlite";

/** The copy can't or won't run; the message says why and that nothing was changed where that holds. */
export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CopyRefusedError";
  }
}

export type TablePair = { name: string; source: SQLiteTable; target: PgTable };
export type CopiedTable = { name: string; rows: number };
type PgCopyTransaction = Parameters<Parameters<NodePgDatabase<typeof pgSchema>["transaction"]>[0]>[0];

/** PostgreSQL accepts at most 65,535 parameters in one statement; batches stay well under it. */
const MAX_PARAMETERS = 30_000;
const MAX_BATCH = 1_000;

/** Every table of the schema with its PostgreSQL mirror, parents first (foreign keys). */
export function tablesInCopyOrder(): TablePair[] {
  const targets = new Map<string, PgTable>();
  for (const value of Object.values(pgSchema) as unknown[]) {
    if (is(value, PgTable)) targets.set(tableName(value), value);
  }
  const sources = (Object.values(sqliteSchema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));
  const byName = new Map(sources.map((t) => [getTableConfig(t).name, t]));
  const missing = [...byName.keys()].filter((name) => !targets.has(name));
  if (missing.length > 0) {
    throw new CopyRefusedError(`The PostgreSQL schema lacks ${missing.join(", ")} (lib/db/schema.pg.ts): this version can't copy them. Nothing was changed.`);
  }
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`Foreign keys form a cycle: ${[...path, name].join(" → ")}`);
    const table = byName.get(name)!;
    for (const fk of getTableConfig(table).foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== name) place(parent, [...path, name]);
    }
    placed.add(name);
    ordered.push({ name, source: table, target: targets.get(name)! });
  };
  for (const name of [...byName.keys()].sort()) place(name, []);
  return ordered;
}

function tableName(table: PgTable): string {
  return (table as unknown as Record<symbol, string>)[Symbol.for("drizzle:Name")];
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** "host:port/database" for messages, never the password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.host}${parsed.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new CopyRefusedError(`cannot connect to ${describeTarget(url)}: ${connectionFailure(err, "give it in PGPASSWORD (never in the address)")}`);
  }
  const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version_num') AS version");
  const major = Math.floor(Number(rows[0].version) / 10000);
  if (major < OLDEST_SUPPORTED_VERSION) {
    await client.end();
    throw new CopyRefusedError(`PostgreSQL ${OLDEST_SUPPORTED_VERSION} or newer is needed; ${describeTarget(url)} runs ${major}. Nothing was changed.`);
  }
  return client;
}

/** The Latchkey tables on the target that hold rows (tables not created yet hold none). */
async function tablesWithRows(client: pg.Client, tables: TablePair[]): Promise<string[]> {
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [`public.${quoted(name)}`]);
    if (!rows[0].present) continue;
    const { rowCount } = await client.query(`SELECT 1 FROM ${quoted(name)} LIMIT 1`);
    if (rowCount) found.push(name);
  }
  return found;
}

/**
 * Identity columns (the search index's small integer ids) were copied with their
 * values; their sequences must continue after the highest, or the next insert
 * on PostgreSQL would collide with a copied row.
 */
async function advanceIdentitySequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quoted(column)}) FROM ${quoted(table)}), 0) + 1, false)`,
      [quoted(table), column],
    );
  }
}

async function countRows(client: pg.Client, name: string): Promise<number> {
  const { rows } = await client.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${quoted(name)}`);
  return Number(rows[0].n);
}

/**
 * Copies every row of `source` (the instance's SQLite database, opened and
 * key-checked by the caller, read inside one transaction so the copy is one
 * snapshot) into the empty database at targetUrl, then compares row counts.
 * `log` receives one line per step.
 */
export async function copyToPostgres(
  source: BetterSQLite3Database<typeof sqliteSchema>,
  targetUrl: string,
  log: (line: string) => void,
): Promise<CopiedTable[]> {
  const tables = tablesInCopyOrder();
  const client = await connect(targetUrl);
  try {
    // The lock a starting replica migrates under: a server started on the target waits for the copy.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    const occupied = await tablesWithRows(client, tables);
    if (occupied.length > 0) {
      throw new CopyRefusedError(
        `${describeTarget(targetUrl)} is not empty (${occupied.join(", ")} hold rows). db:copy copies only into an empty ` +
          "database, so that nothing there is overwritten or mixed with this instance: create a new database " +
          "(e.g. `createdb latchkey`) and copy into that. Nothing was changed.",
      );
    }
    const target = drizzle(client, { schema: pgSchema });
    await migrate(target, { migrationsFolder: POSTGRES_MIGRATIONS });
    log(`Migrated ${describeTarget(targetUrl)} (drizzle/postgres).`);

    // Every table in one transaction, checked before it commits: a copy that fails part-way (a refused
    // value, a lost connection, Ctrl-C) leaves no rows behind, so no start serves half an instance and a
    // rerun is not refused as "not empty".
    const copied = await target.transaction(async (tx) => {
      const done: CopiedTable[] = [];
      for (const table of tables) {
        const rows = await copyTable(source, tx, table);
        done.push({ name: table.name, rows });
        log(`  ${table.name}: ${rows} ${rows === 1 ? "row" : "rows"}`);
      }
      await advanceIdentitySequences(client);
      // The target (this transaction, on the same connection), table by table, against the source (same snapshot as the copy).
      const mismatched: string[] = [];
      for (const { name, rows } of done) {
        const onTarget = await countRows(client, name);
        if (onTarget !== rows) mismatched.push(`${name}: ${rows} in SQLite, ${onTarget} in PostgreSQL`);
      }
      if (mismatched.length > 0) throw new Error(`Row counts differ after the copy: ${mismatched.join("; ")}. Nothing was copied.`);
      return done;
    });
    log(`Row counts match in all ${copied.length} tables.`);
    // Still under the lock, so a server started meanwhile begins with them: the planner's statistics of the copied
    // tables (none until autovacuum gets round to them, so its first plans guess) and their visibility map (a bulk
    // load left every row's hint bits to be set by the first reads). Without it, autovacuum works through the
    // whole copy while the first requests are served (measured at 100,000 users: docs/benchmarks.md round 25).
    await client.query("VACUUM (ANALYZE)");
    log("Vacuumed and analysed the copied tables.");
    return copied;
  } finally {
    await client.end();
  }
}

/** One table, inside the copy's transaction: batches in the source's rowid order. */
async function copyTable(
  source: BetterSQLite3Database<typeof sqliteSchema>,
  tx: PgCopyTransaction,
  { source: from, target: to, name }: TablePair,
): Promise<number> {
  const columns = getTableColumns(from);
  const targetColumns = getTableColumns(to);
  const extra = Object.keys(columns).filter((key) => !(key in targetColumns));
  if (extra.length > 0) throw new CopyRefusedError(`${name}: PostgreSQL's schema lacks ${extra.join(", ")}. Nothing of ${name} was copied.`);
  const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_PARAMETERS / Object.keys(columns).length)));
  const rowid = sql<number>`rowid`.mapWith(Number);
  let after = 0;
  let copied = 0;
  for (;;) {
    const batch = (await source
      .select({ rowid, row: columns })
      .from(from)
      .where(sql`rowid > ${after}`)
      .orderBy(rowid)
      .limit(batchSize)) as Array<{ rowid: number; row: Record<string, unknown> }>;
    if (batch.length === 0) return copied;
    await tx.insert(to).values(batch.map((b) => b.row) as PgInsertValue<PgTable>[]);
    copied += batch.length;
    after = batch[batch.length - 1].rowid;
  }
}
