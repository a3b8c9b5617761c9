/**
 * Vitest's global set-up: with TEST_DATABASE=postgres, one throwaway
 * PostgreSQL server for the whole run (scripts/test-support/postgres.mjs);
 * each test file makes its own database on it (test/unit-env.ts). Without it,
 * nothing: every test file has its own SQLite file.
 */
import type { TestProject } from "vitest/node";
import { startPostgres } from "../scripts/test-support/postgres.mjs";
import { testDatabase } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The harness server's URL (its `postgres` database); empty on SQLite. */
    postgresServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (testDatabase() !== "postgres") {
    project.provide("postgresServerUrl", "");
    return;
  }
  const server = await startPostgres();
  project.provide("postgresServerUrl", server.url());
  return () => server.stop();
}
