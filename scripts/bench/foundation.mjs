// Foundation (issue 2): cold start, first-run setup, idle memory, argon2id
// sign-in against the raw verify rate, GET /api/instance, and the
// token-authenticated GET /api/users against the trivial GET /api/health.
// Takes about a minute. docs/benchmarks.md explains the figures.
import { performance } from "node:perf_hooks";
import { loadRun } from "./http-load.mjs";
import { rawVerifyRate, signInLoad, summariseRawVerify } from "./password-load.mjs";
import { fmt } from "./report.mjs";
import { median } from "./stats.mjs";
import { cpuSeconds, rssMiB, startServer } from "./server.mjs";

const COLD_STARTS = 3;
const CONNECTIONS = 8;
const HIGH_CONNECTIONS = 32;
const LOAD_SECONDS = 5;
const RAW_VERIFY_SECONDS = 5;
const SIGN_IN_SECONDS = 10;
const WARM_UP_REQUESTS = 20;
const OWNER = { email: "bench-owner@example.com", password: "a long bench password 7f3c", name: "Bench Owner" };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function setUpOwner(baseURL, logs) {
  const started = performance.now();
  const res = await fetch(`${baseURL}/api/instance/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...OWNER, create_pat: true, pat_expire_in: 1 }),
  });
  const ms = performance.now() - started;
  const body = await res.text();
  if (res.status !== 200) {
    throw new Error(`POST /api/instance/setup answered ${res.status}: ${body}\nServer output:\n${logs().slice(-4000)}`);
  }
  const token = JSON.parse(body).personal_access_token;
  if (typeof token !== "string" || !token) throw new Error(`setup returned no personal_access_token: ${body}`);
  return { status: res.status, ms, token };
}

/** Creates `count` members through the API, a few at a time (each costs one password hash). */
async function seedUsers(endpoint, bearer, count, logs) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = ++next;
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify({ email: `member-${n}@example.com`, name: `Member ${n}`, role: "user" }),
      });
      const body = await res.text();
      if (res.status !== 200) {
        throw new Error(`POST /api/users answered ${res.status}: ${body}\nServer output:\n${logs().slice(-4000)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** How many rows a list request returns, and the total the server reports. */
async function listShape(endpoint, headers) {
  const res = await fetch(endpoint, { headers });
  const items = await res.json();
  return { rows: Array.isArray(items) ? items.length : NaN, total: Number(res.headers.get("x-total-count")) };
}

export default {
  id: "foundation",
  title: "Foundation (issue 2)",
  seconds: 55,
  options: {
    users: {
      flag: "--users",
      value: "<n>",
      help: "foundation: create n more users (POST /api/users) before measuring, so lists have rows",
      default: 0,
      parse(text) {
        const n = Number.parseInt(text ?? "", 10);
        if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error("--users needs a number from 0 to 1000");
        return n;
      },
    },
  },
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, options: { users: extraUsers }, metric, step, warn, checkLoad, runs }) {
  // 1. Cold starts: each a fresh server with its own empty data directory.
  const coldMs = [];
  for (let i = 1; i <= COLD_STARTS; i++) {
    const server = await startServer(root);
    coldMs.push(server.startupMs);
    await server.stop();
    step(`cold start ${i}/${COLD_STARTS}: ${fmt(server.startupMs)} ms to first 200 on /api/health`);
  }
  const coldMedian = median(coldMs);
  runs.cold_starts_ms = coldMs;
  metric({
    id: "cold_start_ms",
    metric: `Spawn → first 200 on /api/health (median of ${COLD_STARTS})`,
    value: coldMedian,
    display: `${fmt(coldMedian / 1000, 2)} s  [${coldMs.map((ms) => fmt(ms / 1000, 2)).join(", ")}]`,
    target: "≤ 3 s",
    pass: coldMedian <= 3000,
  });

  // The server every later measurement runs against.
  const server = await startServer(root);
  try {
    const startRss = rssMiB(server.pid);
    step(`bench server pid ${server.pid} on ${server.baseURL} (up in ${fmt(server.startupMs)} ms)`);

    // 2. First-run setup through the API, with a personal access token.
    const setup = await setUpOwner(server.baseURL, server.logs);
    step(`setup: ${setup.status} in ${fmt(setup.ms)} ms, token ${setup.token.slice(0, 8)}…`);
    metric({
      id: "setup",
      metric: "POST /api/instance/setup (create_pat)",
      value: setup.ms,
      display: `${setup.status}, token ${setup.token.slice(0, 4)}…, ${fmt(setup.ms)} ms`,
      target: "200 + token",
      pass: setup.status === 200 && setup.token.startsWith("lkp_"),
    });
    const bearer = { authorization: `Bearer ${setup.token}` };
    // A load run plus the server's own CPU time per request, which, unlike
    // requests/s, barely moves when something else shares the machine.
    const serverLoadRun = async (options) => {
      const before = cpuSeconds(server.pid);
      const run = await loadRun(options);
      run.server_cpu_us_per_request = ((cpuSeconds(server.pid) - before) * 1e6) / run.requests;
      return run;
    };
    const url = (p) => `${server.baseURL}${p}`;

    if (extraUsers > 0) {
      step(`creating ${extraUsers} users through POST /api/users`);
      await seedUsers(url("/api/users"), bearer, extraUsers, server.logs);
    }
    runs.users_in_instance = 1 + extraUsers;

    // 3. Idle memory. The warm-up sends every route the bench uses (and a
    // sign-in) a few requests, so their code is loaded, but is not a load run:
    // the RSS after load is reported separately at the end.
    const routes = [
      ["/api/health", {}],
      ["/api/instance", {}],
      ["/api/users", bearer],
      ["/api/users?limit=25", bearer],
      ["/api/auth/csrf", {}],
    ];
    step(`warm-up: ${WARM_UP_REQUESTS} sequential requests per route, sign-ins for 0.5 s, then 3 s idle`);
    for (const [p, headers] of routes) {
      for (let i = 0; i < WARM_UP_REQUESTS; i++) {
        const res = await fetch(url(p), { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`warm-up GET ${p} answered ${res.status}\n${server.logs().slice(-4000)}`);
      }
    }
    const warmSignIns = await signInLoad({ baseURL: server.baseURL, ...OWNER, concurrency: 2, seconds: 0.5 });
    if (warmSignIns.successes === 0) {
      throw new Error(`warm-up sign-ins all failed: ${JSON.stringify(warmSignIns.failure_kinds)}\n${server.logs()}`);
    }
    await sleep(3000);
    const idleRss = rssMiB(server.pid);
    step(`idle RSS: ${fmt(idleRss)} MiB (${fmt(startRss)} MiB right after start)`);
    metric({
      id: "rss_at_start_mib",
      metric: "  RSS right after start (first 200)",
      value: startRss,
      display: `${fmt(startRss)} MiB`,
      target: "(info)",
      pass: null,
    });
    metric({
      id: "idle_rss_mib",
      metric: "Idle server RSS after warm-up (VmRSS)",
      value: idleRss,
      display: `${fmt(idleRss)} MiB`,
      target: "≤ 250 MiB",
      pass: Number.isFinite(idleRss) ? idleRss <= 250 : null,
    });

    // JIT warm-up before the measured load runs, so the first of them is not penalised.
    for (const [p, headers] of routes.slice(0, 4)) {
      checkLoad(await loadRun({ url: url(p), connections: CONNECTIONS, seconds: 1, headers }));
    }

    // 4. Password work, one after the other (both need the same two cores and
    // thread pool). The raw rate is measured in two halves, before and after
    // the sign-in run, so a change in background load hits both sides alike.
    const rawHalf = () => rawVerifyRate({ root, concurrency: CONNECTIONS, seconds: RAW_VERIFY_SECONDS / 2 });
    step(`argon2id raw verify: ${CONNECTIONS} in flight, ${RAW_VERIFY_SECONDS / 2} s before and after the sign-in run`);
    const rawBefore = await rawHalf();
    step(`sign-in: ${CONNECTIONS} clients for ${SIGN_IN_SECONDS} s through /api/auth/callback/credentials`);
    const signInCpuBefore = cpuSeconds(server.pid);
    const signIn = await signInLoad({
      baseURL: server.baseURL,
      ...OWNER,
      concurrency: CONNECTIONS,
      seconds: SIGN_IN_SECONDS,
    });
    signIn.server_cpu_ms_per_sign_in =
      ((cpuSeconds(server.pid) - signInCpuBefore) * 1000) / (signIn.successes + signIn.failures);
    const raw = summariseRawVerify([rawBefore, await rawHalf()]);
    runs.raw_verify = raw;
    metric({
      id: "argon2_raw_verify_per_s",
      metric: `argon2id verify, bench process (${CONNECTIONS} in flight)`,
      value: raw.per_second,
      display:
        `${fmt(raw.per_second, 1)}/s  p50 ${fmt(raw.p50_ms)} ms  [${raw.parts_per_second.map((r) => fmt(r, 1)).join(", ")}]` +
        `  CPU ${fmt(raw.cpu_ms_per_verify, 1)} ms/verify`,
      target: "(baseline)",
      pass: raw.failures === 0 ? null : false,
    });
    runs.sign_in = signIn;
    const signInShare = (signIn.per_second / raw.per_second) * 100;
    metric({
      id: "sign_in_per_s",
      metric: `Sign-in (Auth.js credentials, ${CONNECTIONS} clients)`,
      value: signIn.per_second,
      display:
        `${fmt(signIn.per_second, 1)}/s  p50 ${fmt(signIn.p50_ms)} ms  p95 ${fmt(signIn.p95_ms)} ms` +
        `  server CPU ${fmt(signIn.server_cpu_ms_per_sign_in, 1)} ms/sign-in`,
      target: "—",
      pass: null,
    });
    metric({
      id: "sign_in_pct_of_raw",
      metric: "Sign-in rate as % of raw argon2id verify rate",
      value: signInShare,
      display: `${fmt(signInShare, 1)} %`,
      target: "≥ 85 %",
      pass: signInShare >= 85,
    });
    if (signIn.failures > 0) warn(`WARNING: ${signIn.failures} sign-ins failed: ${JSON.stringify(signIn.failure_kinds)}`);
    metric({
      id: "sign_in_failures",
      metric: "Sign-in failures",
      value: signIn.failures,
      display: `${signIn.failures} of ${signIn.failures + signIn.successes}`,
      target: "0",
      pass: signIn.failures === 0,
    });

    // 5. The unauthenticated instance status route.
    step(`GET /api/instance: ${CONNECTIONS} connections for ${LOAD_SECONDS} s`);
    const instance = await serverLoadRun({ url: url("/api/instance"), connections: CONNECTIONS, seconds: LOAD_SECONDS });
    runs.instance = instance;
    metric({
      id: "instance_rps",
      metric: `GET /api/instance (${CONNECTIONS} conns)`,
      value: instance.rps,
      display: `${fmt(instance.rps)} req/s  p95 ${fmt(instance.p95_ms, 1)} ms  CPU ${fmt(instance.server_cpu_us_per_request)} µs/req`,
      target: "all 2xx",
      pass: checkLoad(instance),
    });

    // 6. Token-authenticated list vs the trivial health route, same server, same settings.
    for (const [connections, usersPath, target] of [
      [CONNECTIONS, "/api/users", "≥ 80 %"],
      // The issue-5 target for this pair is measured in the tokens section; here it is for comparison.
      [HIGH_CONNECTIONS, "/api/users?limit=25", "(info; target in tokens)"],
    ]) {
      step(`GET /api/health then ${usersPath} (Bearer): ${connections} connections for ${LOAD_SECONDS} s each`);
      const shape = await listShape(url(usersPath), bearer);
      const health = await serverLoadRun({ url: url("/api/health"), connections, seconds: LOAD_SECONDS });
      const users = await serverLoadRun({ url: url(usersPath), connections, seconds: LOAD_SECONDS, headers: bearer });
      runs[`health_${connections}c`] = health;
      runs[`users_${connections}c`] = { ...users, rows: shape.rows, total: shape.total };
      const ratio = (users.rps / health.rps) * 100;
      metric({
        id: `health_rps_${connections}c`,
        metric: `GET /api/health (${connections} conns)`,
        value: health.rps,
        display: `${fmt(health.rps)} req/s  p95 ${fmt(health.p95_ms, 1)} ms  CPU ${fmt(health.server_cpu_us_per_request)} µs/req`,
        target: "all 2xx",
        pass: checkLoad(health),
      });
      metric({
        id: `users_rps_${connections}c`,
        metric: `GET ${usersPath} Bearer (${connections} conns, ${shape.rows}/${shape.total} rows)`,
        value: users.rps,
        display: `${fmt(users.rps)} req/s  p95 ${fmt(users.p95_ms, 1)} ms  CPU ${fmt(users.server_cpu_us_per_request)} µs/req`,
        target: "all 2xx",
        pass: checkLoad(users),
      });
      metric({
        id: `users_vs_health_pct_${connections}c`,
        metric: `  users ÷ health throughput (${connections} conns)`,
        value: ratio,
        display: `${fmt(ratio, 1)} %`,
        target,
        pass: target.startsWith("≥") ? ratio >= 80 : null,
      });
    }

    const loadedRss = rssMiB(server.pid);
    metric({
      id: "rss_after_load_mib",
      metric: "Server RSS after all load runs (not idle)",
      value: loadedRss,
      display: `${fmt(loadedRss)} MiB`,
      target: "(info)",
      pass: null,
    });
  } finally {
    await server.stop();
  }
}
