// Starts and stops real Latchkey production servers for the benchmark: a free
// port, a fresh temp DATA_DIR and a random ENCRYPTION_KEY per server, and the
// time from spawn to the first 200 on /api/health. Every server started here is
// remembered, so an error or Ctrl-C never leaves one running.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const live = new Set();

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

export async function startServer(root, { timeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-"));
  let output = "";
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [path.join(root, "scripts", "server.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
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
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

/** Last-resort cleanup for process exit: synchronous, so it works in an "exit" handler. */
export function killAllNow() {
  for (const server of live) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  live.clear();
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
