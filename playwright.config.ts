import fs from "node:fs";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests use the system's Chromium (Debian: `apt-get install -y chromium`),
 * or CHROMIUM_PATH; Playwright's own browser download is not needed.
 */
function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

const executablePath = chromiumPath();
if (!executablePath && !process.env.PLAYWRIGHT_USE_BUNDLED_BROWSER) {
  throw new Error(
    "No Chromium found for the browser tests. Install it with `apt-get install -y chromium` " +
      "(Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.",
  );
}

export default defineConfig({
  testDir: "e2e",
  // TEST_DATABASE=postgres: one PostgreSQL server for the run, a database per Latchkey server.
  globalSetup: "./e2e/support/global-setup.ts",
  // Each spec file starts its own server on a free port with its own data directory.
  fullyParallel: false,
  workers: process.env.CI ? 2 : 2,
  // One retry: a test that fails and then passes is reported as "flaky" by name in the summary (to be found and
  // fixed), but doesn't fail a run on a CI host where two workers, their servers and Chromium share two cores.
  // A test that fails twice fails the run.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    // A trace of the retry of a failed test (a test that fails twice fails the run, so its second attempt's trace is
    // there to read). Recording every test's trace to keep the failures' ("retain-on-failure") made the SQLite API
    // and browser stage of `npm test` take 26.8 min where it takes 21.0 without; mobile and theme specs alone,
    // 265 s against 205 s on the same busy host.
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "api", testMatch: "api/**/*.spec.ts" },
    { name: "browser", testMatch: "*.spec.ts", testIgnore: "api/**" },
  ],
});
