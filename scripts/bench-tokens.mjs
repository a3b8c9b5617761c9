// `npm run bench`: performance figures, printed (benchmarks are not tests).
// Starts the production server on a temporary data directory and measures:
//   - GET /api/users?limit=25 with an access token against the trivial GET /api/health,
//     32 concurrent clients, in the same server and run (target: ≥ 80% of its requests/s);
//   - access-token verification alone, in process, on one core (target: ≥ 100,000/s).
// Each section is a function below; add new ones to SECTIONS. Record results in docs/benchmarks.md.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SERVICE_USERS = 200;

function ensureBuild() {
  if (fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  console.log("No production build yet: building…");
  const { status } = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (status !== 0) process.exit(status ?? 1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(env = {}) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-"));
  let output = "";
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
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  // Ready when a route that opens the database answers, not just the process listening.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    let status = 0;
    try {
      status = (await fetch(`${url}/api/instance`)).status;
    } catch {
      // not listening yet
    }
    if (status === 200) break;
    if (status >= 500) {
      await stop();
      throw new Error(`server answers ${status}:\n${output.slice(0, 4000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not start within 30 s:\n${output.slice(0, 4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid, stop };
}

async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds a process has used so far (Linux /proc), or null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

/**
 * One autocannon run; p95 from every response's own latency (autocannon's summary has no p95).
 * With the server's pid, also the server's CPU time per request: on a shared machine the
 * requests/s move with everyone else's load, the CPU cost of a request much less.
 */
async function load(url, headers = {}, pid) {
  const cpuBefore = pid ? cpuSeconds(pid) : null;
  const latencies = [];
  const instance = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const ok = result["2xx"];
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors out of ${ok + result.non2xx}`);
  }
  const cpuAfter = pid ? cpuSeconds(pid) : null;
  const cpuMsPerRequest = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / ok : null;
  return { rps: ok / (result.duration || SECONDS), p50: percentile(latencies, 50), p95: percentile(latencies, 95), requests: ok, cpuMsPerRequest };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function tokenApiSection() {
  // The limiter stays in the path; the limit is raised so it counts without refusing.
  const server = await startServer({ TOKEN_RATE_LIMIT_PER_MINUTE: "10000000" });
  try {
    const setup = await postJson(`${server.url}/api/instance/setup`, {
      email: "bench@example.com",
      password: "a long benchmark passphrase",
      name: "Bench Owner",
      create_pat: true,
      pat_expire_in: 1,
    });
    const ownerAuth = { authorization: `Bearer ${setup.personal_access_token}` };
    let robotToken;
    for (let i = 0; i < SERVICE_USERS; i++) {
      const robot = await postJson(`${server.url}/api/users`, { is_service_user: true, name: `Robot ${i}`, role: "admin" }, ownerAuth);
      if (i === 0) robotToken = (await postJson(`${server.url}/api/users/${robot.id}/tokens`, { name: "bench" }, ownerAuth)).plain_token;
    }
    const auth = { authorization: `Bearer ${robotToken}` };
    const usersUrl = `${server.url}/api/users?limit=25`;
    const check = await fetch(usersUrl, { headers: auth });
    const list = await check.json();
    if (check.status !== 200 || list.length !== 25) throw new Error(`GET /api/users?limit=25: ${check.status}, ${list.length} users`);

    // Warm up both routes (JIT, Next.js route modules), then alternate them so both see the same machine.
    await load(`${server.url}/api/health`);
    await load(usersUrl, auth);
    const health = [];
    const users = [];
    for (let round = 0; round < ROUNDS; round++) {
      health.push(await load(`${server.url}/api/health`, {}, server.pid));
      users.push(await load(usersUrl, auth, server.pid));
    }
    const summary = (runs) => ({
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p95: median(runs.map((r) => r.p95)),
      cpu: runs[0].cpuMsPerRequest === null ? null : median(runs.map((r) => r.cpuMsPerRequest)),
    });
    const h = summary(health);
    const u = summary(users);
    const ratio = u.rps / h.rps;
    const cpuNote = (x) => (x.cpu === null ? "" : `   server CPU ${fmt(x.cpu, 3)} ms/request`);
    console.log(`\n== Token-authenticated API (${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS}s each, medians; ${SERVICE_USERS + 1} users) ==`);
    console.log(`GET /api/health             ${fmt(h.rps).padStart(8)} req/s   p50 ${fmt(h.p50, 1)} ms   p95 ${fmt(h.p95, 1)} ms${cpuNote(h)}`);
    console.log(`GET /api/users?limit=25     ${fmt(u.rps).padStart(8)} req/s   p50 ${fmt(u.p50, 1)} ms   p95 ${fmt(u.p95, 1)} ms${cpuNote(u)}   (Bearer token)`);
    console.log(`users / health, requests/s  ${fmt(ratio * 100, 1)}%   target ≥ 80%   ${ratio >= 0.8 ? "met" : "NOT MET"}`);
    if (h.cpu !== null) {
      const cpuRatio = h.cpu / u.cpu;
      console.log(`users / health, by server CPU per request  ${fmt(cpuRatio * 100, 1)}%   (the same comparison, less sensitive to other load on the machine)`);
    }
    console.log(`  rounds: health ${health.map((r) => fmt(r.rps)).join(", ")} · users ${users.map((r) => fmt(r.rps)).join(", ")} req/s`);
  } finally {
    await server.stop();
  }
}

function tokenVerifySection() {
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "bench", "token-verify.ts")],
    { cwd: root, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } },
  );
  if (status !== 0) throw new Error(`token verification bench failed:\n${stderr}`);
  const r = JSON.parse(stdout.trim().split("\n").pop());
  const line = (label, { wall, cpu }) => console.log(`${label.padEnd(38)} ${fmt(cpu).padStart(10)} /s per CPU-second   (${fmt(wall)} /s wall)`);
  console.log(`\n== Access-token verification in process, one thread (${fmt(r.tokens_in_database)} tokens in the database) ==`);
  line("format + CRC32 check", r.format_and_checksum);
  line("SHA-256 digest", r.sha256_digest);
  line("verify a valid token (whole path)", r.verify_valid);
  line("refuse a malformed token", r.reject_malformed);
  line("refuse a well-formed unknown token", r.reject_unknown);
  console.log(`valid-token verification: target ≥ 100,000/s on one core   ${r.verify_valid.cpu >= 100_000 ? "met" : "NOT MET"}`);
}

const SECTIONS = [tokenVerifySection, tokenApiSection];

ensureBuild();
console.log(`Latchkey benchmark · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"} · Node ${process.version} · load average ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
for (const section of SECTIONS) await section();
