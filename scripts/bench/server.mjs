// Starts and stops real Latchkey production servers for the benchmark: a free
// port, a fresh temp DATA_DIR (or one a section prepared, e.g. seeded) and an
// ENCRYPTION_KEY per server, and the time from spawn to the first 200 on
// /api/health. Every server, helper process and temp directory started here is
// remembered, so an error or Ctrl-C never leaves one behind.
// On PostgreSQL (useDialect), every server or seeding script that isn't given
// a DATABASE_URL gets a fresh database on the bench's throwaway server.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { missingServerEnvironment } from "../server-environment.mjs";

const live = new Set();
/** The dialect the bench is measuring now, and (on PostgreSQL) how to make a fresh database. */
let current = { dialect: "sqlite", createDatabase: null };

/** Sets the dialect for the servers and scripts started from now on (bench.mjs, per dialect pass). */
export function useDialect(dialect, createDatabase = null) {
  if (dialect === "postgres" && !createDatabase) throw new Error("useDialect(postgres) needs createDatabase");
  current = { dialect, createDatabase };
}

export const currentDialect = () => current.dialect;

/**
 * The environment that points a server or script at a fresh database of the
 * current dialect: no DATABASE_URL on SQLite (its DATA_DIR is the database), a new
 * DATABASE_URL on PostgreSQL. A section that seeds in one process and serves
 * from another passes the same object to both.
 */
export async function databaseEnv() {
  // Empty, not absent: a DATABASE_URL in the bench's own environment must not turn a SQLite run into a PostgreSQL one.
  if (current.dialect !== "postgres") return { DATABASE_URL: "" };
  return { DATABASE_URL: await current.createDatabase("latchkey_bench") };
}

const liveChildren = new Set();
const tempDirs = new Set();

/**
 * Defaults for every bench server: limits raised so that they stay in the
 * request path and count, but never refuse the load. The per-token API limit
 * (600/min by default) would answer load runs with 429s; the sign-in throttle
 * counts each attempt as a failure until its password checks out, so 8
 * concurrent sign-ins to one account would pass its 5 free attempts.
 */
const BENCH_SERVER_ENV = {
  TOKEN_RATE_LIMIT_PER_MINUTE: "10000000",
  OIDC_FLOW_STARTS_PER_5_MIN: "10000000",
  SIGNIN_FREE_ATTEMPTS: "1000",
  SIGNIN_IP_FREE_ATTEMPTS: "100000",
  SIGNIN_LOCKOUT_FAILURES: "100000",
};

/** A fresh temp directory, removed when its server stops (or at exit). */
export function tempDataDir(prefix = "latchkey-bench-") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export const randomEncryptionKey = () => crypto.randomBytes(32).toString("base64");

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One GET without keep-alive; resolves to the status code, or 0 when nothing answers. */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const BENCH_AUTH_SECRET = crypto.randomBytes(32).toString("base64url");

/**
 * Spawns `node scripts/server.mjs` in production mode and waits for the first
 * 200 on /api/health. `dataDir`/`encryptionKey` reuse a prepared directory (it
 * is still removed at stop); `env` adds or overrides environment variables.
 */
export async function startServer(root, { timeoutMs = 30_000, dataDir = tempDataDir(), encryptionKey = randomEncryptionKey(), env = {} } = {}) {
  tempDirs.add(dataDir);
  if (env.DATABASE_URL === undefined) env = { ...(await databaseEnv()), ...env };
  const port = await freePort();
  let output = "";
  const spawnedAt = performance.now();
  // BENCH_SERVER_NODE_ARGS: extra Node options for the servers only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // to profile the production server while a section runs (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, "scripts", "server.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: encryptionKey,
      // One session secret for every server of the run: on PostgreSQL start-up refuses without one (replicas share it).
      AUTH_SECRET: BENCH_AUTH_SECRET,
      ...BENCH_SERVER_ENV,
      // As `npm start` and the documented systemd unit start it: MALLOC_ARENA_MAX, NODE_OPTIONS (scripts/server-environment.mjs).
      ...missingServerEnvironment(process.env),
      // "{baseURL}" in a value stands for this server's own address (PUBLIC_URL: "{baseURL}").
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === "string" ? v.replaceAll("{baseURL}", `http://127.0.0.1:${port}`) : v])),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = {
    child,
    pid: child.pid,
    port,
    dataDir,
    baseURL: `http://127.0.0.1:${port}`,
    startupMs: NaN,
    logs: () => output,
    stop: () => stopServer(server),
  };
  live.add(server);
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));

  const healthURL = `${server.baseURL}/api/health`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop();
      throw new Error(`Server exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if ((await probe(healthURL)) === 200) break;
    if (performance.now() - spawnedAt > timeoutMs) {
      await server.stop();
      throw new Error(`Server did not answer 200 on /api/health within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(20);
  }
  server.startupMs = performance.now() - spawnedAt;
  return server;
}

async function stopServer(server) {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(forced);
  }
  live.delete(server);
  removeTempDir(server.dataDir);
}

/**
 * Runs a Node script (e.g. a TypeScript one through tsx) to completion and
 * resolves to its stdout; its stderr lines are passed to `onStderr` as they
 * come. Rejects with the script's stderr when it exits non-zero. Killed on
 * Ctrl-C like the servers.
 */
export function runNode(root, nodeArgs, { env = {}, onStderr = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    liveChildren.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      for (const line of String(d).split("\n")) if (line.trim()) onStderr(line);
    });
    child.on("error", (err) => {
      liveChildren.delete(child);
      reject(err);
    });
    child.on("close", (code, signal) => {
      liveChildren.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${nodeArgs.join(" ")} exited with ${code ?? signal}:\n${stderr.slice(-4000)}`));
    });
  });
}

/** The last line of a script's stdout, parsed as JSON (the bench scripts print their result there). */
export function lastJsonLine(stdout) {
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`expected JSON on the last line of output, got: ${line.slice(0, 500)}`);
  }
}

/** Last-resort cleanup for process exit: synchronous, so it works in an "exit" handler. */
export function killAllNow() {
  for (const server of live) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  }
  for (const child of liveChildren) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  live.clear();
  liveChildren.clear();
  tempDirs.clear();
}

/** Resident set size of one process in MiB, from /proc/<pid>/status (Linux only). */
export function rssMiB(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a live process has used, from /proc/<pid>/stat (Linux only). */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that closes the command name: utime is the 12th, stime the 13th, in 1/100 s.
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return (after[11] + after[12]) / 100;
  } catch {
    return NaN;
  }
}
