/**
 * Starts a real Latchkey server (the production build) on a free port with a
 * temporary data directory, for API and browser tests. With
 * TEST_DATABASE=postgres each data directory also gets its own database on the
 * run's PostgreSQL server (e2e/support/global-setup.ts); a restart on the same
 * directory finds the same database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { freePort } from "./ports";
import os from "node:os";
import path from "node:path";
import { noteSecret, secretsIn } from "./secrets";

export type Instance = {
  baseURL: string;
  dataDir: string;
  /** PostgreSQL's URL of this instance's database, or null on SQLite. */
  databaseUrl: string | null;
  /** The server process's id (tests read its memory use from /proc). */
  pid: number;
  url: (p: string) => string;
  logs: () => string;
  stop: () => Promise<void>;
};


const root = path.resolve(__dirname, "..", "..");

/** Each data directory's PostgreSQL database, so a restart on the same directory finds the same data. */
const databases = new Map<string, string>();

/**
 * The PostgreSQL database of a data directory (made on first use, a copy of the run's migrated template:
 * ./global-setup.ts), or null when the tests run on SQLite.
 */
async function databaseFor(dataDir: string): Promise<string | null> {
  if (process.env.TEST_DATABASE !== "postgres") return null;
  const server = process.env.LATCHKEY_TEST_POSTGRES_URL;
  if (!server) throw new Error("TEST_DATABASE=postgres, but no PostgreSQL server was started (e2e/support/global-setup.ts)");
  const known = databases.get(path.resolve(dataDir));
  if (known) return known;
  // Loaded as ESM at run time: Playwright's TypeScript loader can't require() this plain-Node module.
  const { createDatabaseOn } = await import("../../scripts/test-support/postgres.mjs");
  const url = await createDatabaseOn(server, "e2e", { template: process.env.LATCHKEY_TEST_POSTGRES_TEMPLATE });
  databases.set(path.resolve(dataDir), url);
  return url;
}

/** Spawns `node scripts/server.mjs` (production build) on `port` with a fresh key unless env gives one. */
function spawnServer(port: number, dataDir: string, databaseUrl: string | null, env: Record<string, string>): ChildProcess {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first (npm test does this for you).");
  }
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    // On PostgreSQL both secrets must come from the environment (replicas share them); a test's env may still override.
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "4", AUTH_SECRET: crypto.randomBytes(32).toString("base64url") } : {}),
    // "{port}" in a value is the port this server gets (PUBLIC_URL=http://localhost:{port} for passkeys).
    ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll("{port}", String(port))])),
  };
  for (const name of ["ENCRYPTION_KEY", "AUTH_SECRET", "METRICS_TOKEN"]) noteSecret(serverEnv[name]);
  // SIGUSR2 writes Node's diagnostic report (the main thread's JavaScript stack) into the data directory:
  // startServer asks for it when a start hangs.
  const report = ["--report-on-signal", "--report-signal=SIGUSR2", `--report-directory=${dataDir}`];
  return spawn(process.execPath, [...report, path.join(root, "scripts", "server.mjs")], { cwd: root, env: serverEnv, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Starts a server and waits until it answers. `options.dataDir` starts it on an
 * existing directory, which stop() then leaves in place (the caller owns it).
 */
export async function startServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<Instance> {
  try {
    return await startOnce(env, options);
  } catch (err) {
    if (!(err instanceof StartHung)) throw err;
    // A start that never listened (seen about once in a hundred under a full suite's load, cause not yet
    // found): say what it was doing, and start another once.
    console.warn(`A test server didn't listen within ${START_WAIT_MS / 1000} s; starting another.\n${err.message}`);
    return startOnce(env, options);
  }
}

/** Each attempt's wait (two fit in a hook's time, useInstance's 150 s). */
const START_WAIT_MS = 60_000;

class StartHung extends Error {}

/** The hung server's main-thread stack from its diagnostic report, then it is killed. */
async function diagnoseAndKill(child: ChildProcess, dataDir: string): Promise<string> {
  child.kill("SIGUSR2");
  await new Promise((r) => setTimeout(r, 1_500));
  const reports = fs.readdirSync(dataDir).filter((f) => f.startsWith("report.") && f.endsWith(".json"));
  let stack = "(no diagnostic report)";
  if (reports.length > 0) {
    const report = JSON.parse(fs.readFileSync(path.join(dataDir, reports[0]), "utf8")) as { javascriptStack?: { message?: string; stack?: string[] } };
    stack = [report.javascriptStack?.message, ...(report.javascriptStack?.stack ?? [])].join("\n");
    // The report also lists the environment (the server's keys): it doesn't stay behind.
    for (const file of reports) fs.rmSync(path.join(dataDir, file), { force: true });
  }
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  return stack;
}

async function startOnce(env: Record<string, string>, options: { dataDir?: string }): Promise<Instance> {
  const port = await freePort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-e2e-"));
  const databaseUrl = env.DATABASE_URL ?? (await databaseFor(dataDir));
  let output = "";
  // "{baseURL}" in a value stands for this server's own address (PUBLIC_URL: "{baseURL}").
  const ownEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll("{baseURL}", `http://127.0.0.1:${port}`)]));
  const child = spawnServer(port, dataDir, databaseUrl, ownEnv);
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const baseURL = `http://127.0.0.1:${port}`;
  // A start on PostgreSQL took ~30 s when the shared machine was busy (before the template, every migration).
  const deadline = Date.now() + START_WAIT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${baseURL}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const stack = await diagnoseAndKill(child, dataDir);
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      throw new StartHung(`Server did not start within ${START_WAIT_MS / 1000} s:\n${output}\nIts main thread:\n${stack}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseURL,
    dataDir,
    databaseUrl,
    pid: child.pid!,
    url: (p) => `${baseURL}${p}`,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      // Nothing the tests sent or got back as a secret (passwords, tokens, cookies, keys) may be in the server's output.
      const leaked = secretsIn(output);
      if (leaked.length > 0) throw new Error(`The server's output contains secrets the tests used: ${leaked.join(", ")}`);
    },
  };
}

export type RefusedStart = { exitCode: number | null; stdout: string; stderr: string; answered: boolean };

/**
 * Starts a server that is expected to refuse to start: waits for it to exit
 * (at most 30 s, then kills it) while trying its port every 50 ms, and says
 * whether anything ever answered there.
 */
export async function startExpectingExit(env: Record<string, string>, dataDir: string): Promise<RefusedStart> {
  const port = await freePort();
  const child = spawnServer(port, dataDir, env.DATABASE_URL ?? (await databaseFor(dataDir)), env);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code))); // after stdio drained
  let answered = false;
  let done = false;
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  void exited.then(() => (done = true));
  while (!done) {
    answered ||= await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    await new Promise((r) => setTimeout(r, 50));
  }
  clearTimeout(deadline);
  return { exitCode: await exited, stdout, stderr, answered };
}
