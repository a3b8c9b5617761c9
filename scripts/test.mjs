// `npm test`: production build, then unit tests (vitest) on SQLite and on
// PostgreSQL, then API and browser tests (Playwright against real servers on
// free ports) on SQLite, and the API tests again on PostgreSQL. The PostgreSQL
// stages start a throwaway server (scripts/test-support/postgres.mjs).
// Stops at the first failing stage. Each stage runs under a watchdog
// (scripts/test/watchdog.mjs): one that prints nothing for 10 minutes (the
// build 20), or runs past its ceiling (see `stages`), is reported (its
// processes, the PostgreSQL sessions and locks, its last output), killed and
// failed, long before CI's 90 minutes end the run with nothing kept.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_NOTES } from "./test-support/postgres.mjs";
import { describeServers, stopNotedServers } from "./test/postgres-report.mjs";
import { runWatched } from "./test/watchdog.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, file) => path.join(root, "node_modules", pkg, file);

const sqlite = { TEST_DATABASE: "sqlite" };
const postgres = { TEST_DATABASE: "postgres" };
// Quiet limits: well above a healthy stage's longest stretch without output (a test's 3-minute timeout and its
// retry; the build's compile, 6.6 min quiet on a two-core machine at load 10). Ceilings: a backstop for a stage that
// keeps printing but doesn't end, about four times its time on a loaded machine (README: 22 minutes in all idle, 37
// loaded); a stuck stage goes quiet and is stopped long before. TEST_QUIET_MINUTES and TEST_CEILING_MINUTES set every stage's.
const stages = [
  { name: "Build", args: [bin("next", "dist/bin/next"), "build"], env: {}, quietMinutes: 20, ceilingMinutes: 25 },
  { name: "Unit tests (SQLite)", args: [bin("vitest", "vitest.mjs"), "run"], env: sqlite, quietMinutes: 10, ceilingMinutes: 20 },
  { name: "Unit tests (PostgreSQL)", args: [bin("vitest", "vitest.mjs"), "run"], env: postgres, quietMinutes: 10, ceilingMinutes: 25 },
  { name: "API and browser tests (SQLite)", args: [bin("@playwright/test", "cli.js"), "test"], env: sqlite, quietMinutes: 10, ceilingMinutes: 60 },
  { name: "API tests (PostgreSQL)", args: [bin("@playwright/test", "cli.js"), "test", "--project=api"], env: postgres, quietMinutes: 10, ceilingMinutes: 20 },
];

/** A number of minutes from the environment, in ms; `fallback` when unset. */
function minutesFromEnv(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!(value > 0)) throw new Error(`${name} must be a number of minutes above 0, not ${JSON.stringify(process.env[name])}`);
  return value * 60_000;
}

// Where the stages' throwaway PostgreSQL servers leave their notes for the watchdog (scripts/test-support/postgres.mjs).
const postgresNotes = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-test-postgres-"));
// The output goes through the watchdog's pipe: colours stay on where they were (a terminal).
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", [SERVER_NOTES]: postgresNotes, ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: "1" } : {}) };

// Each stage's wall time, printed at the end (and on a failure): the whole suite should stay near 30 minutes.
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;
// With each stage's longest stretch without output, the figure TEST_QUIET_MINUTES must stay well above.
const timings = [];
const printTimings = () =>
  console.log(`\n${timings.map(([name, ms, quiet]) => `${name}: ${minutes(ms)}${quiet === undefined ? "" : ` (longest quiet ${minutes(quiet)})`}`).join("\n")}`);

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

/** One stage under the watchdog; then the PostgreSQL servers it left running (a crash, or the watchdog's kill) stop. */
async function runStage({ name, args, env: stageEnv, quietMinutes, ceilingMinutes }) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const { status, longestQuietMs } = await runWatched({
    name,
    command: process.execPath,
    args,
    cwd: root,
    env: { ...env, ...stageEnv },
    quietMs: minutesFromEnv("TEST_QUIET_MINUTES", quietMinutes),
    ceilingMs: minutesFromEnv("TEST_CEILING_MINUTES", ceilingMinutes),
    diagnose: stageEnv === postgres ? () => describeServers(postgresNotes) : undefined,
  });
  timings.push([name, Date.now() - started, longestQuietMs]);
  const leftOver = stopNotedServers(postgresNotes);
  if (leftOver > 0) console.log(`(Stopped ${leftOver} throwaway PostgreSQL server(s) the stage left running.)`);
  if (args[0].includes("@playwright")) keepTestResults(name);
  return status;
}

for (const stage of stages) {
  if (stage.name === "Build" && process.env.SKIP_BUILD === "1") continue;
  const status = await runStage(stage);
  if (status !== 0) {
    printTimings();
    console.error(`\n${stage.name} failed.`);
    fs.rmSync(postgresNotes, { recursive: true, force: true });
    process.exit(status);
  }
}
fs.rmSync(postgresNotes, { recursive: true, force: true });
timings.push(["All stages", timings.reduce((sum, [, ms]) => sum + ms, 0)]);
printTimings();
