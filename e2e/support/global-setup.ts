/**
 * Playwright's global set-up: with TEST_DATABASE=postgres, one throwaway
 * PostgreSQL server for the run (scripts/test-support/postgres.mjs); every
 * server a test starts gets its own database on it (./server.ts). Workers
 * start after this and inherit the server's URL through the environment.
 */
import { startPostgres } from "../../scripts/test-support/postgres.mjs";

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  const database = process.env.TEST_DATABASE ?? "sqlite";
  if (database !== "sqlite" && database !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, not ${JSON.stringify(database)}`);
  if (database !== "postgres") return;
  const server = await startPostgres();
  process.env.LATCHKEY_TEST_POSTGRES_URL = server.url();
  return () => server.stop();
}
