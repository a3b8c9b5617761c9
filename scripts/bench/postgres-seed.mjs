// users-100k on PostgreSQL from a kept seed: seeding 100,000 users through createUser takes 10–25 minutes
// there, so a seed kept by a SQLite run (--users-seed) is copied in the way an operator moves an instance,
// with `npm run db:copy` (which also checks the row counts and the activity chain on the target), in a few
// minutes. A second database for the create-user row is a file-level clone of the first (CREATE DATABASE …
// TEMPLATE), so the measured one stays at exactly the seeded users.
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { runNode } from "./server.mjs";

/** Copies the SQLite instance in `dataDir` into the empty database at `databaseUrl`; returns the copy's figures. */
export async function copySeedToPostgres(root, dataDir, encryptionKey, databaseUrl, step) {
  step("copying the kept seed into PostgreSQL with npm run db:copy (counts and the activity chain checked there)");
  const started = performance.now();
  const stdout = await runNode(root, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "db-copy.ts"), "--to", databaseUrl], {
    env: { DATA_DIR: dataDir, ENCRYPTION_KEY: encryptionKey, DATABASE_URL: "" },
  });
  const seconds = (performance.now() - started) / 1000;
  const rows = Number(/Copied (\d+) rows/.exec(stdout)?.[1] ?? NaN);
  step(`  copied ${rows.toLocaleString("en-US")} rows in ${seconds.toFixed(0)} s`);
  return { seconds, rows };
}

/** Runs `statement` on the server's maintenance database (CREATE/DROP DATABASE can't run in the database itself). */
async function onServer(databaseUrl, statement) {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const nameOf = (databaseUrl) => decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

/** A copy of the database at `databaseUrl` (nobody may be connected to it); returns the copy's URL. */
export async function cloneDatabase(databaseUrl) {
  const name = `${nameOf(databaseUrl)}_clone`;
  await onServer(databaseUrl, `CREATE DATABASE "${name}" TEMPLATE "${nameOf(databaseUrl)}"`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export async function dropDatabase(databaseUrl) {
  await onServer(databaseUrl, `DROP DATABASE IF EXISTS "${nameOf(databaseUrl)}" WITH (FORCE)`);
}
