/**
 * Vitest's global set-up: with TEST_DATABASE=postgres, one throwaway
 * PostgreSQL server for the whole run (scripts/test-support/postgres.mjs);
 * each test file gets its own database on it, a copy of the run's migrated
 * template (test/unit-env.ts). Without it,
 * nothing: every test file has its own SQLite file. Either way, one temporary
 * directory for the run's files (test/scratch.ts), removed when the run ends.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createMigratedTemplate, startPostgres } from "../scripts/test-support/postgres.mjs";
import { testDatabase } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The harness server's URL (its `postgres` database); empty on SQLite. */
    postgresServerUrl: string;
    /** The run's migrated template database on that server (test/fresh-instance.ts's newTestDatabase copies it); empty on SQLite. */
    postgresTemplate: string;
    /** Where test/scratch.ts makes the run's temporary directories. */
    scratchRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-unit-run-"));
  project.provide("scratchRoot", scratchRoot);
  const removeScratch = () => fs.rmSync(scratchRoot, { recursive: true, force: true });
  if (testDatabase() !== "postgres") {
    project.provide("postgresServerUrl", "");
    project.provide("postgresTemplate", "");
    return async () => removeScratch();
  }
  const server = await startPostgres();
  project.provide("postgresServerUrl", server.url());
  project.provide("postgresTemplate", await createMigratedTemplate(server.url()));
  return async () => {
    await server.stop();
    removeScratch();
  };
}
