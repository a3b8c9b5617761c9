// The password-hashing side of the benchmark: how fast argon2id verifies in
// this process (the ceiling), and how fast the server signs people in through
// Auth.js's credentials callback (which pays one verification per sign-in).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import argon2 from "argon2";
import { httpRequest as request } from "./http-load.mjs";
import { percentile } from "./stats.mjs";

const OWASP = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * The argon2 parameters lib/crypto/passwords.ts uses, read from its source so
 * the raw rate tracks the app; falls back to the documented OWASP values.
 */
export function appArgon2Options(root) {
  const options = { ...OWASP };
  let source = "default (OWASP)";
  try {
    const text = fs.readFileSync(path.join(root, "lib", "crypto", "passwords.ts"), "utf8");
    for (const key of Object.keys(OWASP)) {
      const m = new RegExp(`${key}\\s*:\\s*(\\d+)`).exec(text);
      if (m) options[key] = Number(m[1]);
    }
    source = "lib/crypto/passwords.ts";
  } catch {
    // keep the defaults
  }
  return { options: { type: argon2.argon2id, ...options }, source };
}

/** Runs `task` with `concurrency` copies in flight until `seconds` pass; returns completions and latencies. */
async function closedLoop(concurrency, seconds, task) {
  const latencies = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (index) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const outcome = await task(index);
      if (outcome) latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { elapsed, latencies };
}

/**
 * Verifies one argon2id hash with `concurrency` verifications in flight for
 * `seconds`. Returns one part; summariseRawVerify adds parts together, so the
 * bench can measure before and after the sign-in run and cancel out drift.
 */
export async function rawVerifyRate({ root, concurrency, seconds }) {
  const { options, source } = appArgon2Options(root);
  const password = "bench password that is long enough";
  const hash = await argon2.hash(password, options);
  await argon2.verify(hash, password); // warm the native module and thread pool
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const { elapsed, latencies } = await closedLoop(concurrency, seconds, async () => {
    if (await argon2.verify(hash, password)) return true;
    failures += 1;
    return false;
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    params: `argon2id m=${options.memoryCost} t=${options.timeCost} p=${options.parallelism} (from ${source})`,
    concurrency,
    seconds: elapsed,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    failures,
    latencies,
  };
}

export function summariseRawVerify(parts) {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
  return {
    params: parts[0].params,
    concurrency: parts[0].concurrency,
    seconds,
    verifications: latencies.length,
    failures: parts.reduce((sum, p) => sum + p.failures, 0),
    per_second: latencies.length / seconds,
    // CPU time is far less sensitive than wall time to other work on the machine.
    cpu_ms_per_verify: (parts.reduce((sum, p) => sum + p.cpu_seconds, 0) * 1000) / latencies.length,
    parts_per_second: parts.map((p) => p.latencies.length / p.seconds),
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
  };
}

/** Fetches a CSRF token and the cookie Auth.js pairs it with. */
export async function csrf(baseURL) {
  const agent = new http.Agent({ keepAlive: false });
  const res = await request(agent, `${baseURL}/api/auth/csrf`);
  if (res.status !== 200) throw new Error(`GET /api/auth/csrf answered ${res.status}: ${res.body}`);
  const { csrfToken } = JSON.parse(res.body);
  const cookie = (res.headers["set-cookie"] ?? [])
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Host-)?authjs\.csrf-token=/.test(c));
  if (!csrfToken || !cookie) throw new Error("GET /api/auth/csrf gave no token or no csrf cookie");
  return { csrfToken, cookie };
}

/** A sign-in succeeded when Auth.js redirects away from any error page and sets a session cookie. */
function signInSucceeded(res) {
  if (res.status !== 302) return false;
  const location = String(res.headers.location ?? "");
  if (location.includes("error")) return false;
  return (res.headers["set-cookie"] ?? []).some((c) => /^(__Host-)?authjs\.session-token=/.test(c));
}

export async function signInLoad({ baseURL, email, password, concurrency, seconds }) {
  const { csrfToken, cookie } = await csrf(baseURL);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = new URLSearchParams({ csrfToken, email, password }).toString();
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": Buffer.byteLength(body),
    cookie,
  };
  const url = `${baseURL}/api/auth/callback/credentials`;
  const failures = { count: 0, statuses: {} };
  const { elapsed, latencies } = await closedLoop(concurrency, seconds, async () => {
    let key;
    try {
      const res = await request(agent, url, { method: "POST", headers, body });
      if (signInSucceeded(res)) return true;
      key = `${res.status}${res.headers.location ? ` → ${res.headers.location}` : ""}`;
    } catch (err) {
      key = `network: ${err.code ?? err.message}`;
    }
    failures.count += 1;
    failures.statuses[key] = (failures.statuses[key] ?? 0) + 1;
    return false;
  });
  agent.destroy();
  return {
    concurrency,
    seconds: elapsed,
    successes: latencies.length,
    failures: failures.count,
    failure_kinds: failures.statuses,
    per_second: latencies.length / elapsed,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
  };
}

/**
 * Signs in through Auth.js's credentials callback (one argon2id verification)
 * and returns the session cookie ("name=value") for pages that need a session.
 */
export async function signInCookie({ baseURL, email, password }) {
  const { csrfToken, cookie } = await csrf(baseURL);
  const agent = new http.Agent({ keepAlive: false });
  const body = new URLSearchParams({ csrfToken, email, password }).toString();
  const res = await request(agent, `${baseURL}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body), cookie },
    body,
  });
  if (!signInSucceeded(res)) {
    throw new Error(`sign-in as ${email} failed: ${res.status} ${res.headers.location ?? ""} ${res.body.slice(0, 300)}`);
  }
  const session = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => /^(__Host-)?authjs\.session-token=/.test(c));
  return session;
}
