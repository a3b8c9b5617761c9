// A throwaway PostgreSQL server for the tests and the bench: initdb into a
// temporary directory, trust authentication on 127.0.0.1 only, a free port,
// unix sockets inside the directory, and durability switched off (fsync,
// synchronous_commit, full_page_writes: test data is disposable). stop()
// shuts it down and removes the directory. Plain Node, so vitest, Playwright
// and scripts/bench can all use it. Never for production data.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MISSING = "PostgreSQL is needed for this suite: sudo apt-get install postgresql";
const TOOLS = ["initdb", "pg_ctl", "postgres"];

/** The directory holding initdb, pg_ctl and postgres: Debian's newest /usr/lib/postgresql/<version>/bin, else PATH. */
export function findPostgresBin() {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = path.join(root, version, "bin");
    if (TOOLS.every((tool) => fs.existsSync(path.join(bin, tool)))) return bin;
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && TOOLS.every((tool) => fs.existsSync(path.join(dir, tool)))) return dir;
  }
  throw new Error(MISSING);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, the server's files and processes belong to the `postgres` user. */
function runAs() {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const found = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  if (found.status !== 0) throw new Error("Running as root needs a `postgres` user for the test server (the postgresql package creates it)");
  const uid = Number(found.stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid, gid };
}

function run(owner, file, args) {
  const [command, commandArgs] = owner ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
  const result = spawnSync(command, commandArgs, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout;
}

/** The URL of one database on a server, for the trusted `postgres` superuser. */
export function databaseUrl(serverUrl, dbName) {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.href;
}

/**
 * A new database on the server at serverUrl (any database URL on it); returns its URL. Empty, or with
 * `template` (from createMigratedTemplate) a copy of it: the schema in place, no data.
 */
export async function createDatabaseOn(serverUrl, prefix = "latchkey", { template } = {}) {
  const name = `${prefix}_${Date.now().toString(36)}_${crypto.randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  } finally {
    await client.end();
  }
  return databaseUrl(serverUrl, name);
}

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "drizzle", "postgres");

/**
 * Makes a database holding every migration and nothing else, for createDatabaseOn's `template`; returns its
 * name. The test harnesses make one per run: copying it takes about a sixth of migrating a new database
 * (0.15 against 0.9 s on a busy two-core machine), once per test file and test server. The migrations are
 * the server's own (drizzle's migrator on drizzle/postgres, as lib/db/postgres.ts runs them), so a server
 * starting on a copy finds nothing to migrate and treats it as new: no data, no key check yet.
 * Nothing may stay connected to a template, so the connection closes before this returns.
 */
export async function createMigratedTemplate(serverUrl) {
  const url = await createDatabaseOn(serverUrl, "template");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end();
  }
  return new URL(url).pathname.slice(1);
}

/**
 * Stops a server at once (`-m immediate`) and removes its directory: startPostgres's stop(), and the test
 * harness's for a server whose stage it had to end (scripts/test/postgres-report.mjs).
 */
export function stopServer({ bin, owner, dataDir, dir }) {
  spawnSync(owner ? "runuser" : path.join(bin, "pg_ctl"), [
    ...(owner ? ["-u", "postgres", "--", path.join(bin, "pg_ctl")] : []),
    "stop", "-D", dataDir, "-m", "immediate", "-w",
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Where each server started here leaves a note while it runs (`<port>.json`: its URL, directories and binaries),
 * when the test harness asks (scripts/test.mjs sets it): the harness's watchdog reads the notes to show a stuck
 * stage's sessions and locks, and stops the servers a stage it ended left behind (pg_ctl runs the server
 * outside the stage's process tree).
 */
export const SERVER_NOTES = "LATCHKEY_TEST_POSTGRES_NOTES";

function leaveNote(server) {
  const notes = process.env[SERVER_NOTES];
  if (!notes) return () => undefined;
  const file = path.join(notes, `${server.port}.json`);
  fs.writeFileSync(file, JSON.stringify(server));
  return () => fs.rmSync(file, { force: true });
}

/**
 * Starts a server; resolves to { url(dbName), createDatabase(), stop() }.
 * Throws MISSING's message when PostgreSQL isn't installed.
 */
export async function startPostgres() {
  const bin = findPostgresBin();
  const owner = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-pg-"));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  let stopped = false;
  let removeNote = () => undefined;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    stopServer({ bin, owner, dataDir, dir });
    removeNote();
  };
  // A test run that dies still takes its server with it.
  process.once("exit", stopNow);
  try {
    run(owner, path.join(bin, "initdb"), [
      "-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
    ]);
    // Trust only loopback TCP and the socket directory (which only the owner can enter).
    fs.writeFileSync(
      path.join(dataDir, "pg_hba.conf"),
      "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    );
    const settings = [
      `listen_addresses='127.0.0.1'`,
      `port=${port}`,
      `unix_socket_directories='${dir}'`,
      "fsync=off",
      "synchronous_commit=off",
      "full_page_writes=off",
      "max_connections=300",
      "shared_buffers=32MB",
    ];
    fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n# Latchkey test server\n${settings.join("\n")}\n`);
    run(owner, path.join(bin, "pg_ctl"), ["start", "-D", dataDir, "-l", path.join(dir, "server.log"), "-w", "-t", "60"]);
  } catch (err) {
    const log = path.join(dir, "server.log");
    const tail = fs.existsSync(log) ? `\n${fs.readFileSync(log, "utf8").slice(-2000)}` : "";
    stopNow();
    throw new Error(`${err.message}${tail}`);
  }
  const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  removeNote = leaveNote({ port, url: serverUrl, bin, owner, dataDir, dir });
  // For the outage tests: pg_ctl on this server only (`-m fast`: sessions are ended, as an operator's restart does).
  // Not spawnSync: the test's own connections must hear the server go while pg_ctl waits.
  const pgCtl = (...args) =>
    new Promise((resolve, reject) => {
      const file = path.join(bin, "pg_ctl");
      const all = [...args, "-D", dataDir, "-w", "-t", "60"];
      const child = owner ? spawn("runuser", ["-u", "postgres", "--", file, ...all]) : spawn(file, all);
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (status) => (status === 0 ? resolve() : reject(new Error(`pg_ctl ${args[0]} failed (exit ${status}): ${output.trim()}`))));
    });
  return {
    port,
    url: (dbName = "postgres") => databaseUrl(serverUrl, dbName),
    createDatabase: (prefix) => createDatabaseOn(serverUrl, prefix),
    restart: () => pgCtl("restart", "-m", "fast", "-l", path.join(dir, "server.log")),
    halt: () => pgCtl("stop", "-m", "fast"),
    resume: () => pgCtl("start", "-l", path.join(dir, "server.log")),
    stop: async () => {
      process.removeListener("exit", stopNow);
      stopNow();
    },
  };
}

// `node scripts/test-support/postgres.mjs` starts a server and prints its URL until Ctrl-C (for trying things by hand).
// (No top-level await: Playwright's TypeScript loader require()s this module.)
if (import.meta.url === `file://${process.argv[1]}`) {
  void startPostgres().then((server) => {
    console.log(server.url());
    const keepAlive = setInterval(() => {}, 1 << 30);
    process.on("SIGINT", () => {
      clearInterval(keepAlive);
      void server.stop();
    });
  });
}
