// `npm test`: production build, then unit tests (vitest) on SQLite and on
// PostgreSQL, then API and browser tests (Playwright against real servers on
// free ports) on SQLite, and the API tests again on PostgreSQL. The PostgreSQL
// stages start a throwaway server (scripts/test-support/postgres.mjs).
// Stops at the first failing stage.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, file) => path.join(root, "node_modules", pkg, file);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

const sqlite = { TEST_DATABASE: "sqlite" };
const postgres = { TEST_DATABASE: "postgres" };
const stages = [
  ["Build", [bin("next", "dist/bin/next"), "build"], {}],
  ["Unit tests (SQLite)", [bin("vitest", "vitest.mjs"), "run"], sqlite],
  ["Unit tests (PostgreSQL)", [bin("vitest", "vitest.mjs"), "run"], postgres],
  ["API and browser tests (SQLite)", [bin("@playwright/test", "cli.js"), "test"], sqlite],
  ["API tests (PostgreSQL)", [bin("@playwright/test", "cli.js"), "test", "--project=api"], postgres],
];

// Each stage's wall time, printed at the end (and on a failure): the whole suite should stay near 30 minutes.
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;
const timings = [];
const printTimings = () => console.log(`\n${timings.map(([name, ms]) => `${name}: ${minutes(ms)}`).join("\n")}`);

// A failed browser test's screenshots and error context (the pages of every browser context it opened) stay in
// test-results-<stage>: Playwright clears test-results when the next stage starts, so a test that failed once and
// passed on its retry left nothing to look at.
function keepTestResults(stage) {
  const dir = path.join(root, "test-results");
  if (!fs.existsSync(dir)) return;
  const kept = path.join(root, `test-results-${stage.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`);
  fs.rmSync(kept, { recursive: true, force: true });
  fs.renameSync(dir, kept);
  const failures = fs.readdirSync(kept, { recursive: true }).filter((f) => String(f).endsWith("error-context.md")).length;
  if (failures > 0) console.log(`(Screenshots and error context of the failed tries, first tries included, ${failures} in all: ${path.relative(root, kept)})`);
}

for (const [name, args, stageEnv] of stages) {
  if (name === "Build" && process.env.SKIP_BUILD === "1") continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const { status } = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...env, ...stageEnv } });
  timings.push([name, Date.now() - started]);
  if (args[0].includes("@playwright")) keepTestResults(name);
  if (status !== 0) {
    printTimings();
    console.error(`\n${name} failed.`);
    process.exit(status ?? 1);
  }
}
timings.push(["All stages", timings.reduce((sum, [, ms]) => sum + ms, 0)]);
printTimings();
