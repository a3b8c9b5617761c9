/**
 * Playwright's global set-up: with TEST_DATABASE=postgres, one throwaway
 * PostgreSQL server for the run (scripts/test-support/postgres.mjs); every
 * server a test starts gets its own database on it (./server.ts). Workers
 * start after this and inherit the server's URL through the environment.
 */

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  const database = process.env.TEST_DATABASE ?? "sqlite";
  if (database !== "sqlite" && database !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, not ${JSON.stringify(database)}`);
  if (database !== "postgres") return;
  // Loaded as ESM at run time: Playwright's TypeScript loader can't require() this plain-Node module.
  const { createMigratedTemplate, findPostgresBin, startPostgres } = await import("../../scripts/test-support/postgres.mjs");
  const server = await startPostgres();
  process.env.LATCHKEY_TEST_POSTGRES_URL = server.url();
  // Each test server's database is a copy of this one (./server.ts): the migrations run once per run.
  process.env.LATCHKEY_TEST_POSTGRES_TEMPLATE = await createMigratedTemplate(server.url());
  // psql and pg_dump, for the helpers that read an instance's database (./database.ts).
  process.env.LATCHKEY_TEST_POSTGRES_BIN = findPostgresBin();
  return () => server.stop();
}
