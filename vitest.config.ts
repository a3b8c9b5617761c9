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
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "i18n/**/*.test.ts"],
    setupFiles: ["test/unit-env.ts"],
    // TEST_DATABASE=postgres: one throwaway PostgreSQL server for the run, a database per test file.
    globalSetup: ["test/global-setup.ts"],
    // Each test file gets its own process, data directory and database.
    pool: "forks",
    testTimeout: 20_000,
  },
});
