// `npm run bench:activity`: the activity log at scale. Seeds a fresh data
// directory with 1,000,000 events through the real recorder (hash chain,
// encryption), starts the production server on it, and measures, with
// sequential requests on localhost (so the time is the server's):
// GET /api/events p50/p95 with each filter, and the Activity page's server
// time; then one integrity check over the whole chain and one export.
// Usage: node scripts/bench/activity.mjs [--events N] [--requests N] [--json file],
// or as part of the main bench: npm run bench -- --events 1000000.
// Needs a production build (npm run build). Takes a few minutes, most of it seeding.
// A benchmark, not a test: exit code 0 whenever the run completes.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { percentile } from "./stats.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TARGET_P95_MS = 100;

function parseArgs(argv) {
  const args = { events: 1_000_000, requests: 40, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--events") args.events = Number.parseInt(argv[++i], 10);
    else if (argv[i] === "--requests") args.requests = Number.parseInt(argv[++i], 10);
    else if (argv[i] === "--json") args.json = argv[++i];
    else throw new Error(`Unknown argument: ${argv[i]} (use --events N, --requests N, --json file)`);
  }
  if (!(args.events > 0) || !(args.requests > 0)) throw new Error("--events and --requests must be positive numbers");
  return args;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}


async function timed(url, headers) {
  const t = performance.now();
  const res = await fetch(url, { headers, redirect: "manual" });
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, total: res.headers.get("x-total-count"), bytes: body.length };
}

async function measure(url, headers, requests) {
  for (let i = 0; i < 3; i++) await timed(url, headers); // warm-up: caches, JIT, prepared statements
  const times = [];
  let last;
  for (let i = 0; i < requests; i++) {
    last = await timed(url, headers);
    if (last.status !== 200) throw new Error(`${url} answered ${last.status}`);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1), total: last.total };
}

async function signIn(base, email, password) {
  const cookies = new Map();
  const keep = (res) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  keep(res);
  if (![...cookies.keys()].some((k) => k.includes("session-token"))) throw new Error("bench sign-in failed");
  return header();
}

/** Runs the whole activity benchmark; prints as it goes and returns the summary. */
export async function runActivityBench(args) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("No production build: run `npm run build` first.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-activity-"));
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  };
  let server;
  try {
    console.log(`Seeding ${args.events.toLocaleString("en")} events into ${dataDir} …`);
    const seed = spawnSync(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "scripts/bench/seed-events.ts", String(args.events)],
      { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    if (seed.status !== 0) throw new Error(`seeding failed:\n${seed.stderr}`);
    const seeded = JSON.parse(seed.stdout.trim().split("\n").at(-1));
    const dbBytes = fs.statSync(path.join(dataDir, "latchkey.db")).size;
    console.log(`Seeded in ${seeded.seedSeconds} s (${seeded.eventsPerSecond.toLocaleString("en")} events/s); database ${(dbBytes / 2 ** 20).toFixed(0)} MiB`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let output = "";
    server = spawn(process.execPath, [path.join(root, "scripts", "server.mjs")], {
      cwd: root,
      env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout.on("data", (d) => (output += d));
    server.stderr.on("data", (d) => (output += d));
    const started = performance.now();
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${output}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const api = { authorization: `Bearer ${seeded.token}` };
    const cookie = { cookie: await signIn(base, seeded.ownerEmail, seeded.ownerPassword) };
    const q = (params) => new URLSearchParams(params).toString();
    const sixMonthsAgo = new Date(Date.now() - 182 * 86_400_000).toISOString().slice(0, 10);
    const fiveMonthsAgo = new Date(Date.now() - 152 * 86_400_000).toISOString().slice(0, 10);
    const middle = String(Math.floor(args.events / 2));
    const scenarios = [
      ["API newest 50", `/api/events?${q({ limit: 50 })}`, api],
      ["API action=user.login.failed", `/api/events?${q({ limit: 50, action: "user.login.failed" })}`, api],
      ["API action, deep (before=middle)", `/api/events?${q({ limit: 50, action: "user.role.changed", before: middle })}`, api],
      ["API actor=<name>", `/api/events?${q({ limit: 50, actor: seeded.sampleUserName })}`, api],
      ["API target=<id>", `/api/events?${q({ limit: 50, target: seeded.sampleUserId })}`, api],
      ["API from/to (one month)", `/api/events?${q({ limit: 50, from: sixMonthsAgo, to: fiveMonthsAgo })}`, api],
      ["API search=<name>", `/api/events?${q({ limit: 50, search: seeded.sampleUserName })}`, api],
      ["API search=smith (20 users)", `/api/events?${q({ limit: 50, search: "smith" })}`, api],
      ["API search=bench.example (all)", `/api/events?${q({ limit: 50, search: "bench.example" })}`, api],
      ["API search=wrong password", `/api/events?${q({ limit: 50, search: "wrong password" })}`, api],
      ["API search=<ip>", `/api/events?${q({ limit: 50, search: seeded.sampleIp })}`, api],
      ["API action+actor+month", `/api/events?${q({ limit: 50, action: "user.login", actor: seeded.sampleUserName, from: sixMonthsAgo, to: fiveMonthsAgo })}`, api],
      ["API before=middle (keyset)", `/api/events?${q({ limit: 50, before: middle })}`, api],
      ["Page /activity", "/activity", cookie],
      ["Page search=<name>", `/activity?${q({ search: seeded.sampleUserName })}`, cookie],
      ["Page action=user.login.failed", `/activity?${q({ action: "user.login.failed" })}`, cookie],
      ["Page from/to + search", `/activity?${q({ from: sixMonthsAgo, to: fiveMonthsAgo, search: "smith" })}`, cookie],
    ];
    const results = [];
    for (const [name, url, headers] of scenarios) {
      const r = await measure(`${base}${url}`, headers, args.requests);
      results.push({ name, ...r });
      console.log(
        `${name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  max ${r.max.toFixed(1).padStart(6)} ms` +
          (r.total ? `  (total ${r.total})` : ""),
      );
    }
    const worstApi = Math.max(...results.filter((r) => r.name.startsWith("API")).map((r) => r.p95));
    const worstPage = Math.max(...results.filter((r) => r.name.startsWith("Page")).map((r) => r.p95));

    const integrityStart = performance.now();
    const integrity = await (await fetch(`${base}/api/events/integrity`, { headers: api })).json();
    const integritySeconds = (performance.now() - integrityStart) / 1000;
    const exportStart = performance.now();
    const exported = await (await fetch(`${base}/api/events/export?${q({ format: "csv", action: "user.password.changed" })}`, { headers: api })).text();
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const exportedRows = exported.trim().split("\n").length - 1;
    const rssMiB = Number(fs.readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;

    console.log(`\nWorst p95: API ${worstApi.toFixed(1)} ms, page ${worstPage.toFixed(1)} ms (target ≤ ${TARGET_P95_MS} ms): ${Math.max(worstApi, worstPage) <= TARGET_P95_MS ? "met" : "NOT met"}`);
    console.log(`Integrity check of ${integrity.checked?.toLocaleString("en")} events: ${integrity.ok ? "intact" : "BROKEN"} in ${integritySeconds.toFixed(1)} s`);
    console.log(`CSV export of ${exportedRows.toLocaleString("en")} events in ${exportSeconds.toFixed(1)} s`);
    console.log(`Server RSS after the run: ${rssMiB.toFixed(0)} MiB`);
    const summary = {
      events: args.events,
      requestsPerScenario: args.requests,
      seed: { seconds: seeded.seedSeconds, eventsPerSecond: seeded.eventsPerSecond, databaseMiB: Math.round(dbBytes / 2 ** 20) },
      scenarios: results.map((r) => ({ ...r, p50: +r.p50.toFixed(1), p95: +r.p95.toFixed(1), max: +r.max.toFixed(1) })),
      worstP95: { api: +worstApi.toFixed(1), page: +worstPage.toFixed(1), targetMs: TARGET_P95_MS },
      integrity: { checked: integrity.checked, ok: integrity.ok, seconds: +integritySeconds.toFixed(1) },
      export: { rows: exportedRows, seconds: +exportSeconds.toFixed(1) },
      rssMiB: Math.round(rssMiB),
    };
    return summary;
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const summary = await runActivityBench(args);
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(summary, null, 2));
  else console.log(JSON.stringify(summary));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
