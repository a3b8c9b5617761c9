// Sign-in storm (issue 10): reads must keep flowing while people sign in.
// 32 clients sign in continuously through Auth.js's credentials callback (one
// argon2id verification each) while 32 more read the token-authenticated
// GET /api/users?limit=25 with gzip, for 20 s. argon2 and gzip both run on
// libuv's thread pool, so without a bound on hashing every read waits behind
// the hash queue. Reports the reads' p99 and the sign-ins per second.
import { loadRun } from "./http-load.mjs";
import { signInLoad } from "./password-load.mjs";
import { fmt } from "./report.mjs";
import { cpuSeconds, startServer } from "./server.mjs";

const SIGN_IN_CLIENTS = 32;
const READ_CLIENTS = 32;
const SECONDS = 20;
const BASELINE_SECONDS = 10;
const MEMBERS = 30; // so the list has a full page of 25 rows
const OWNER = { email: "storm-owner@example.com", password: "a long bench password 91c2", name: "Storm Owner" };

async function setUp(baseURL, logs) {
  const res = await fetch(`${baseURL}/api/instance/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...OWNER, create_pat: true, pat_expire_in: 1 }),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/instance/setup answered ${res.status}: ${body}\n${logs().slice(-4000)}`);
  return { authorization: `Bearer ${JSON.parse(body).personal_access_token}` };
}

async function seedMembers(baseURL, bearer, logs) {
  for (let n = 1; n <= MEMBERS; n++) {
    const res = await fetch(`${baseURL}/api/users`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ email: `storm-${n}@example.com`, name: `Storm Member ${n}`, role: "user" }),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`POST /api/users answered ${res.status}: ${body}\n${logs().slice(-4000)}`);
  }
}

export default {
  id: "sign-in-storm",
  title: "Reads during a sign-in storm (issue 10)",
  seconds: 55,
  options: {},
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, metric, step, warn, checkLoad, runs }) {
  const server = await startServer(root);
  try {
    const bearer = await setUp(server.baseURL, server.logs);
    step(`creating ${MEMBERS} members`);
    await seedMembers(server.baseURL, bearer, server.logs);
    const readHeaders = { ...bearer, "accept-encoding": "gzip" };
    const readURL = `${server.baseURL}/api/users?limit=25`;
    // Warm both paths so JIT and first-use costs stay out of the figures.
    await loadRun({ url: readURL, connections: 4, seconds: 1, headers: readHeaders });
    await signInLoad({ baseURL: server.baseURL, ...OWNER, concurrency: 2, seconds: 1 });

    // The same reads without the storm: on a shared machine the difference says more than either figure.
    step(`baseline: ${READ_CLIENTS} clients on GET /api/users?limit=25 (gzip) alone, ${BASELINE_SECONDS} s`);
    const alone = await loadRun({ url: readURL, connections: READ_CLIENTS, seconds: BASELINE_SECONDS, headers: readHeaders });
    runs.reads_alone = alone;
    metric({
      id: "read_alone_p99_ms",
      metric: `GET /api/users?limit=25 Bearer gzip (${READ_CLIENTS} conns), no sign-ins`,
      value: alone.p99_ms,
      display: `p99 ${fmt(alone.p99_ms)} ms  p50 ${fmt(alone.p50_ms)} ms  ${fmt(alone.rps)} req/s`,
      target: "(baseline)",
      pass: checkLoad(alone) ? null : false,
    });

    step(`${SIGN_IN_CLIENTS} clients signing in + ${READ_CLIENTS} clients on GET /api/users?limit=25 (gzip), ${SECONDS} s`);
    const cpuBefore = cpuSeconds(server.pid);
    const [reads, signIns] = await Promise.all([
      loadRun({ url: readURL, connections: READ_CLIENTS, seconds: SECONDS, headers: readHeaders }),
      signInLoad({ baseURL: server.baseURL, ...OWNER, concurrency: SIGN_IN_CLIENTS, seconds: SECONDS }),
    ]);
    const serverCores = (cpuSeconds(server.pid) - cpuBefore) / SECONDS;
    runs.reads = reads;
    runs.sign_ins = signIns;
    runs.server_cpu_cores = serverCores;

    const readsOk = checkLoad(reads);
    metric({
      id: "read_p99_ms",
      metric: `GET /api/users?limit=25 Bearer gzip (${READ_CLIENTS} conns) p99`,
      value: reads.p99_ms,
      display: `p99 ${fmt(reads.p99_ms)} ms  p50 ${fmt(reads.p50_ms)} ms  ${fmt(reads.rps)} req/s`,
      target: "p99 ≤ 250 ms",
      pass: reads.p99_ms <= 250,
    });
    metric({
      id: "read_errors",
      metric: "  read errors (non-2xx, errors, timeouts)",
      value: reads.non2xx + reads.errors + reads.timeouts,
      display: `${reads.non2xx + reads.errors + reads.timeouts} of ${reads.requests}`,
      target: "0",
      pass: readsOk,
    });
    metric({
      id: "sign_in_per_s",
      metric: `Sign-ins meanwhile (${SIGN_IN_CLIENTS} clients)`,
      value: signIns.per_second,
      display: `${fmt(signIns.per_second, 1)}/s  p50 ${fmt(signIns.p50_ms)} ms  p95 ${fmt(signIns.p95_ms)} ms`,
      target: "(info)",
      pass: null,
    });
    if (signIns.failures > 0) warn(`WARNING: ${signIns.failures} sign-ins failed: ${JSON.stringify(signIns.failure_kinds)}`);
    metric({
      id: "sign_in_failures",
      metric: "  sign-in failures",
      value: signIns.failures,
      display: `${signIns.failures} of ${signIns.failures + signIns.successes}`,
      target: "0",
      pass: signIns.failures === 0,
    });
    metric({
      id: "server_cpu_cores",
      metric: "  server CPU during the storm",
      value: serverCores,
      display: `${fmt(serverCores, 2)} cores`,
      target: "(info)",
      pass: null,
    });
  } finally {
    await server.stop();
  }
}
