// Personal access tokens (issue 5): the token-authenticated GET /api/users?limit=25
// against the trivial GET /api/health with 32 connections, in the same server
// and run (target ≥ 85 % of its requests/s, issue 11), and access-token
// verification alone, in process, on one core (target ≥ 150,000/s, issue 11; token-verify.ts).
// Takes about a minute.
import path from "node:path";
import { loadRun } from "./http-load.mjs";
import { fmt } from "./report.mjs";
import { median } from "./stats.mjs";
import { cpuSeconds, databaseEnv, lastJsonLine, runNode, startServer } from "./server.mjs";

const CONNECTIONS = 32;
const LOAD_SECONDS = 5;
const ROUNDS = 3;
const SERVICE_USERS = 200;
const VERIFY_SECONDS = 3;


async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

export default {
  id: "tokens",
  title: "Access tokens (issue 5)",
  seconds: 75,
  options: {},
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run(ctx) {
  await tokenVerify(ctx);
  await tokenApi(ctx);
}

/** scripts/bench/token-verify.ts: the real authenticateAccessToken in a child process, one thread. */
async function tokenVerify({ root, metric, step, runs }) {
  step(`token verification in process: 10,000 tokens, ${VERIFY_SECONDS} s per measure`);
  const stdout = await runNode(root, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "bench", "token-verify.ts")], {
    env: { BENCH_SECONDS: String(VERIFY_SECONDS), ...(await databaseEnv()) },
  });
  const r = lastJsonLine(stdout);
  runs.token_verify = r;
  const rate = ({ cpu, wall }) => `${fmt(cpu)}/CPU-s  (${fmt(wall)}/s wall)`;
  metric({
    id: "verify_valid_per_cpu_s",
    metric: `Verify a valid token, whole path (${fmt(r.tokens_in_database)} tokens in DB, 1 thread)`,
    value: r.verify_valid.cpu,
    display: rate(r.verify_valid),
    target: "≥ 150,000/s",
    pass: r.verify_valid.cpu >= 150_000,
  });
  for (const [key, label] of [
    ["format_and_checksum", "  format + CRC32 check"],
    ["sha256_digest", "  SHA-256 digest"],
    ["reject_malformed", "  refuse a malformed token (no DB read)"],
    ["reject_unknown", "  refuse a well-formed unknown token (1 lookup)"],
  ]) {
    metric({ id: `${key}_per_cpu_s`, metric: label, value: r[key].cpu, display: rate(r[key]), target: "(info)", pass: null });
  }
}

/** GET /api/users?limit=25 with a service user's token vs GET /api/health, alternating, medians of ROUNDS. */
async function tokenApi({ root, metric, step, checkLoad, runs }) {
  const server = await startServer(root);
  try {
    const url = (p) => `${server.baseURL}${p}`;
    const setup = await postJson(url("/api/instance/setup"), {
      email: "bench@example.com",
      password: "a long benchmark passphrase",
      name: "Bench Owner",
      create_pat: true,
      pat_expire_in: 1,
    });
    const ownerAuth = { authorization: `Bearer ${setup.personal_access_token}` };
    step(`creating ${SERVICE_USERS} admin service users; the first one's token drives the load`);
    let robotToken;
    for (let i = 0; i < SERVICE_USERS; i++) {
      const robot = await postJson(url("/api/users"), { is_service_user: true, name: `Robot ${i}`, role: "admin" }, ownerAuth);
      if (i === 0) robotToken = (await postJson(url(`/api/users/${robot.id}/tokens`), { name: "bench" }, ownerAuth)).plain_token;
    }
    const auth = { authorization: `Bearer ${robotToken}` };
    const usersUrl = url("/api/users?limit=25");
    const check = await fetch(usersUrl, { headers: auth });
    const list = await check.json();
    if (check.status !== 200 || list.length !== 25) throw new Error(`GET /api/users?limit=25: ${check.status}, ${list.length} users`);
    const total = Number(check.headers.get("x-total-count"));

    // Server CPU per request: unlike requests/s, it barely moves when something else shares the machine.
    const measured = async (options) => {
      const before = cpuSeconds(server.pid);
      const r = await loadRun({ connections: CONNECTIONS, seconds: LOAD_SECONDS, ...options });
      r.server_cpu_us_per_request = ((cpuSeconds(server.pid) - before) * 1e6) / r.requests;
      checkLoad(r);
      return r;
    };
    step(`warm-up, then ${ROUNDS} alternating rounds of GET /api/health and GET /api/users?limit=25: ${CONNECTIONS} connections, ${LOAD_SECONDS} s each`);
    await loadRun({ url: url("/api/health"), connections: CONNECTIONS, seconds: 2 });
    await loadRun({ url: usersUrl, connections: CONNECTIONS, seconds: 2, headers: auth });
    const health = [];
    const users = [];
    for (let round = 0; round < ROUNDS; round++) {
      health.push(await measured({ url: url("/api/health") }));
      users.push(await measured({ url: usersUrl, headers: auth }));
    }
    runs.api = { users_in_account: total, health, users };
    const summary = (rs) => ({
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50_ms)),
      p95: median(rs.map((r) => r.p95_ms)),
      cpu: median(rs.map((r) => r.server_cpu_us_per_request)),
      ok: rs.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0),
    });
    const h = summary(health);
    const u = summary(users);
    const show = (x) => `${fmt(x.rps)} req/s  p50 ${fmt(x.p50, 1)}  p95 ${fmt(x.p95, 1)} ms  CPU ${fmt(x.cpu)} µs/req`;
    metric({
      id: "health_rps_32c",
      metric: `GET /api/health (${CONNECTIONS} conns, median of ${ROUNDS} × ${LOAD_SECONDS} s)`,
      value: h.rps,
      display: show(h),
      target: "all 2xx",
      pass: h.ok,
    });
    metric({
      id: "users_rps_32c",
      metric: `GET /api/users?limit=25, service-user token (${total} users)`,
      value: u.rps,
      display: show(u),
      target: "all 2xx",
      pass: u.ok,
    });
    const ratio = (u.rps / h.rps) * 100;
    metric({
      id: "users_vs_health_pct_32c",
      metric: "  users ÷ health throughput",
      value: ratio,
      display: `${fmt(ratio, 1)} %  [rounds ${users.map((r, i) => fmt((r.rps / health[i].rps) * 100)).join(", ")} %]`,
      target: "≥ 85 %",
      pass: ratio >= 85,
    });
    metric({
      id: "users_vs_health_cpu_pct_32c",
      metric: "  same, by server CPU per request (health ÷ users)",
      value: (h.cpu / u.cpu) * 100,
      display: `${fmt((h.cpu / u.cpu) * 100, 1)} %`,
      target: "(info)",
      pass: null,
    });
    metric({
      id: "users_p95_ms_32c",
      metric: "  p95: users vs health",
      value: u.p95,
      display: `${fmt(u.p95, 1)} ms vs ${fmt(h.p95, 1)} ms`,
      target: "(info)",
      pass: null,
    });
  } finally {
    await server.stop();
  }
}
