import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // "server-only" throws outside React Server Components; unit tests run lib/ directly.
      "server-only": path.resolve(__dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "i18n/**/*.test.ts", "scripts/**/*.test.ts"],
    setupFiles: ["test/unit-env.ts"],
    // TEST_DATABASE=postgres: one throwaway PostgreSQL server for the run, a database per test file.
    globalSetup: ["test/global-setup.ts"],
    // Each test file gets its own process, data directory and database.
    pool: "forks",
    // One test file per core. Vitest's default (cores - 1) ran one file at a time on a two-core machine, though
    // a file spends much of its time waiting (PostgreSQL round trips, argon2 on libuv's threads, module loading):
    // two at a time took lib/users's 33 files from 348 s to 213 s on a loaded two-core host.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 20_000,
  },
});
