// The throwaway PostgreSQL servers of a test stage, as the watchdog sees them (scripts/test/watchdog.mjs): each
// server's sessions with what they wait for and who blocks them, the locks held and awaited, and the end of its
// log; and the stop of the servers a stage the watchdog ended left running. The servers leave notes where
// SERVER_NOTES says (scripts/test-support/postgres.mjs).
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { stopServer } from "../test-support/postgres.mjs";

/** The servers running now with a note in notesDir. */
export function notedServers(notesDir) {
  if (!fs.existsSync(notesDir)) return [];
  return fs
    .readdirSync(notesDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ note: path.join(notesDir, f), ...JSON.parse(fs.readFileSync(path.join(notesDir, f), "utf8")) }));
}

// Every session but this report's own: a transaction left open shows as "idle in transaction" with its age.
const SESSIONS = `
  SELECT pid, datname AS database, state, wait_event_type || ':' || wait_event AS waits_for,
         pg_blocking_pids(pid) AS blocked_by, date_trunc('second', now() - xact_start)::text AS in_transaction_for,
         date_trunc('second', now() - state_change)::text AS in_state_for, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS last_query
    FROM pg_stat_activity
   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
   ORDER BY xact_start NULLS LAST, pid`;

// Locks but each transaction's lock on its own id; an advisory lock's key as the number the code names
// (lib/db/postgres.ts's WRITE_LOCK). Relations are named when they are in the database the report connects to.
const LOCKS = `
  SELECT l.pid, l.locktype, d.datname AS database, coalesce(l.relation::regclass::text, '') AS relation,
         CASE WHEN l.locktype = 'advisory' THEN ((l.classid::bigint << 32) | l.objid::bigint)::text ELSE '' END AS advisory_key,
         l.mode, l.granted
    FROM pg_locks l LEFT JOIN pg_database d ON d.oid = l.database
   WHERE l.locktype <> 'virtualxid' AND l.pid <> pg_backend_pid()
   ORDER BY l.granted, l.pid
   LIMIT 200`;

function table(rows) {
  if (rows.length === 0) return "  (none)";
  const columns = Object.keys(rows[0]);
  const cell = (v) => (v === null || v === undefined ? "" : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values) => `  ${values.map((v, i) => v.padEnd(widths[i])).join(" | ")}`.trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join("\n");
}

/** One server's sessions and locks as text (a server that doesn't answer says so). */
export async function describeServer(url, { timeoutMs = 10_000 } = {}) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: "latchkey-watchdog" });
  try {
    await client.connect();
    const sessions = await client.query(SESSIONS);
    const locks = await client.query(LOCKS);
    return `Sessions (pg_stat_activity):\n${table(sessions.rows)}\nLocks (pg_locks; waiting first):\n${table(locks.rows)}`;
  } catch (err) {
    return `(no answer from ${url}: ${err.message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function logTail(dir, lines = 20) {
  const file = path.join(dir, "server.log");
  if (!fs.existsSync(file)) return "(no server log)";
  return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** Every noted server's sessions, locks and log tail, as text. */
export async function describeServers(notesDir) {
  const servers = notedServers(notesDir);
  if (servers.length === 0) return "No throwaway PostgreSQL server is running.";
  const parts = [];
  for (const server of servers) {
    parts.push(`PostgreSQL at ${server.url} (${server.dir}):\n${await describeServer(server.url)}\nThe end of its log:\n${logTail(server.dir)}`);
  }
  return parts.join("\n\n");
}

/** Stops every server still noted (a stage that ended without stopping them); resolves to how many. */
export function stopNotedServers(notesDir) {
  const servers = notedServers(notesDir);
  for (const server of servers) {
    stopServer(server);
    fs.rmSync(server.note, { force: true });
  }
  return servers.length;
}
