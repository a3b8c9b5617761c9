/**
 * The PostgreSQL engine (DATABASE_URL=postgres://…, PostgreSQL 15 or newer).
 * Two node-postgres pools: readers, whose connections are read-only (a stray
 * write outside a unit of work fails loudly, as on SQLite), and writers, for
 * units of work and for libraries that write through the driver themselves.
 * Every unit of work takes one transaction-scoped advisory lock first: the
 * instance-wide write lock, shared by every replica on the database, which
 * serialises writers exactly as SQLite's BEGIN IMMEDIATE does. Migrations
 * (drizzle/postgres) and the encryption-key check run under a session advisory
 * lock, so replicas starting together migrate once.
 */
import "server-only";
import path from "node:path";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pLimit from "p-limit";
import pg from "pg";
import { config } from "@/lib/config";
import { keyRing } from "@/lib/crypto/keys";
import { DatabaseStartError, type Db, type Engine, type Tx } from "./engine";
import { verifyEncryptionKeyPostgres } from "./key-check";
import { databaseUnavailable } from "./unavailable";
import * as pgSchema from "./schema.pg";

export const POSTGRES_MIGRATIONS = path.join(process.cwd(), "drizzle", "postgres");
export const OLDEST_SUPPORTED_VERSION = 15;

/** Advisory lock keys (any bigint; these spell "Latch" + a number, so they're recognisable in pg_locks). */
export const MIGRATION_LOCK = "327637070696801";
const WRITE_LOCK = "327637070696802";

/**
 * int8 as a JavaScript number: every bigint column holds epoch milliseconds or
 * a count, far below 2^53, and lib/ compares them as numbers in both dialects
 * (count(*) too). This is pg's process-wide parser because Drizzle's
 * node-postgres session gives each query its own type map that falls back to
 * the global parsers, so a pool's `types` option never reaches Drizzle queries.
 * Set only when a PostgreSQL engine opens: nothing else in the process uses pg.
 */
export function parseInt8AsNumber(): void {
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`A bigint from PostgreSQL is beyond JavaScript's safe integers: ${value}`);
    return n;
  });
}

/** host:port/database, for messages (never the password). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "the DATABASE_URL";
  }
}

/**
 * How long getting a connection may take (a new one's TCP and start-up, or a wait for a free one): a server
 * that doesn't answer (a network that drops packets, a host gone) fails a request with a 503 after this
 * instead of holding it, and the write queue behind it, until the operating system gives up (minutes).
 */
export const CONNECT_TIMEOUT_MS = 5_000;

function newPool(url: string, size: number, options?: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...(options ? { options } : {}) });
  // An idle connection that breaks (a server restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error("A PostgreSQL connection failed:", err.message));
  // node-postgres emits 'error' on a connection the server ends (a restart, pg_terminate_backend) also while
  // it is lent out, where the pool listens no more: unheard, that event ended the process (review 18). Its
  // holder learns of it from its next query (refused: the connection is not queryable), rolls back and gives
  // it back broken, and the pool drops it (lib/db/unavailable.ts makes that a 503); nothing to do here.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

/** Where a server and the commands beside it (backup, restore) take the database's password. */
export const PASSWORD_IN_URL_OR_ENV = "put it in DATABASE_URL (postgres://user:password@host:5432/database) or in PGPASSWORD";

/**
 * Why a connection failed, in words an operator can act on. Asked for a password it wasn't given, node-postgres says
 * only "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string" (PostgreSQL 14 and later ask by SCRAM);
 * r45 met it running `db:copy` without PGPASSWORD. `whereItGoes` says where this command takes the password.
 */
export function connectionFailure(err: unknown, whereItGoes: string = PASSWORD_IN_URL_OR_ENV): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/client password must be a (non-empty )?string/.test(message)) return `the server asks for a password, and none was given: ${whereItGoes}`;
  return message;
}

/** Migrates and checks the key on one connection, holding the migration lock (other replicas wait, then find nothing to do). */
async function prepare(pool: pg.Pool, url: string): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new DatabaseStartError(
      `cannot connect to PostgreSQL at ${describe(url)}: ${connectionFailure(err)}`,
    );
  }
  try {
    const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version_num') AS version");
    const version = Number(rows[0].version);
    if (Math.floor(version / 10000) < OLDEST_SUPPORTED_VERSION) {
      throw new DatabaseStartError(
        `PostgreSQL ${OLDEST_SUPPORTED_VERSION} or newer is needed; ${describe(url)} runs ${Math.floor(version / 10000)}.${version % 10000}`,
      );
    }
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      const db = drizzle(client, { schema: pgSchema }) as unknown as NodePgDatabase<typeof pgSchema>;
      const { rows: existing } = await client.query<{ present: boolean }>("SELECT to_regclass('meta') IS NOT NULL AS present");
      const initialised = existing[0].present && (await client.query("SELECT 1 FROM meta UNION ALL SELECT 1 FROM accounts LIMIT 1")).rowCount! > 0;
      // As on SQLite: a database with data and no key for it is refused (no new key is generated for
      // it); a new one gets the key (generated into DATA_DIR when not given) before anything is stored.
      keyRing(initialised ? `PostgreSQL ${describe(url)}` : undefined);
      // A database that already holds data refuses a wrong key before the migrations touch it.
      if (existing[0].present) await verifyEncryptionKeyPostgres(db, { store: false });
      await migrate(db, { migrationsFolder: POSTGRES_MIGRATIONS });
      await verifyEncryptionKeyPostgres(db, { store: true });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** A Drizzle database on each pooled writer connection, made once per connection (Drizzle reads the schema when made). */
const onConnection = new WeakMap<pg.PoolClient, Tx>();
/**
 * BEGIN and the instance's write lock in one round trip: a query without parameters goes as one simple
 * query, which may hold several statements. Drizzle's transaction() sends them one after the other, and
 * on PostgreSQL each round trip of a unit of work is time every other writer waits (the lock, and one
 * unit of work at a time per process).
 */
// READ COMMITTED whatever the server's default_transaction_isolation: a revocation's DELETE must see
// tokens a grant committed while it waited for their lock (lib/oidc/grants.ts), i.e. take a fresh
// snapshot per statement; under REPEATABLE READ it would keep the one from BEGIN.
const BEGIN_AND_LOCK = `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`;

/**
 * A writer connection with its transaction begun and the write lock held. A connection that fails its BEGIN is
 * dropped; when it failed as a connection does (an idle one the server ended, a restart, whose end had not
 * arrived yet when it was lent), nothing ran on it, so once more on another (a new one after a restart)
 * instead of a failed request.
 */
async function begun(writers: pg.Pool, retried = false): Promise<pg.PoolClient> {
  const client = await writers.connect();
  try {
    await client.query(BEGIN_AND_LOCK);
    return client;
  } catch (err) {
    client.release(err as Error);
    if (retried || !databaseUnavailable(err)) throw err;
    return begun(writers, true);
  }
}

/** One transaction holding the write lock on a writer connection: committed when fn resolves, rolled back when it throws. */
async function unitOfWork<T>(writers: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await begun(writers);
  let tx = onConnection.get(client);
  if (!tx) onConnection.set(client, (tx = drizzle(client, { schema: pgSchema }) as unknown as Tx));
  // A connection whose ROLLBACK failed is in an unknown state: the pool drops it instead of lending it again.
  let broken: Error | undefined;
  try {
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** One statement on a writer connection in autocommit: no transaction, no write lock (Engine.autocommit). */
async function alone<T>(writers: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await writers.connect();
  let tx = onConnection.get(client);
  if (!tx) onConnection.set(client, (tx = drizzle(client, { schema: pgSchema }) as unknown as Tx));
  try {
    return await fn(tx);
  } finally {
    client.release();
  }
}

/**
 * Engine.committedVersion: `pg_current_snapshot()` as text. Its xmin, xmax and in-progress list say
 * which transactions have ended; equal texts mean no transaction ended and none was given an id in
 * between, so the data visible is the same (any database or replica on the server counts: a commit
 * elsewhere only costs a cache a reload). At most one read is under way; callers that arrive meanwhile
 * share the next one, sent after it ends, so nobody is answered with a read older than their call.
 */
export function snapshotVersions(readers: pg.Pool): () => Promise<string> {
  let sent: Promise<string> | undefined;
  let queued: Promise<string> | undefined;
  const send = (): Promise<string> => {
    // Named: the most frequent statement of all (token and list caches ask it per request), parsed once per connection.
    const read = readers.query<{ v: string }>({ name: "latchkey_committed_version", text: "SELECT pg_current_snapshot()::text AS v" }).then((r) => r.rows[0].v);
    sent = read;
    const clear = () => {
      if (sent === read) sent = undefined;
    };
    read.then(clear, clear);
    return read;
  };
  return () => {
    if (queued) return queued;
    if (!sent) return send();
    const after = sent;
    const next = after.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      if (queued === next) queued = undefined;
      return send();
    });
    queued = next;
    return next;
  };
}

/** Opens the PostgreSQL database at url: checks the server and the key, applies the migrations, then serves. */
export async function openPostgres(url: string): Promise<Engine> {
  parseInt8AsNumber();
  const size = config().databasePoolSize;
  const writers = newPool(url, size);
  try {
    await prepare(writers, url);
  } catch (err) {
    await writers.end();
    throw err;
  }
  const readers = newPool(url, size, "-c default_transaction_read_only=on");
  // One unit of work at a time per process: waiting for the lock holds one connection, not the whole pool.
  const queue = pLimit(1);
  return {
    dialect: "postgres",
    reader: drizzle(readers, { schema: pgSchema }) as unknown as Db,
    native: { kind: "postgres", pool: writers },
    withWriter: (fn) => fn(),
    transact: (fn) => queue(() => unitOfWork(writers, fn)),
    autocommit: (fn) => alone(writers, fn),
    committedVersion: snapshotVersions(readers),
    close: async () => {
      await queue(async () => undefined);
      await Promise.all([readers.end(), writers.end()]);
    },
  };
}
