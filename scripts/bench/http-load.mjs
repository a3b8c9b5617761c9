// HTTP load for the bench: fixed-duration concurrent load with autocannon
// (its own histogram has no p95, so every response time is also collected here
// and p50/p95/p99 come from the full set of samples), and timed sequential
// requests for page and query latency.
import http from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { percentile } from "./stats.mjs";

/**
 * One request with node:http on the given agent (a keep-alive agent reuses its connections): the
 * status, the headers (set-cookie as an array) and the body as text. Much lighter on the bench's
 * own CPU than fetch, which matters where the bench shares the server's cores.
 */
export function httpRequest(agent, url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) req.end(body);
    else req.end();
  });
}

/**
 * Runs autocannon against one URL and returns requests/s, latency percentiles
 * (ms) and the counts needed to tell whether every response was a 2xx.
 */
export async function loadRun({ url, connections, seconds, headers = {}, title = url }) {
  const latencies = [];
  const instance = autocannon({ url, connections, duration: seconds, headers, title });
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const completed = result.latency.totalCount ?? latencies.length;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  return {
    url,
    connections,
    seconds: result.duration,
    requests: completed,
    rps: completed / result.duration,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: statusCodes,
  };
}

/** True when every request got a 2xx answer; otherwise the warning to print. */
export function allOk(run) {
  if (run.non2xx === 0 && run.errors === 0 && run.timeouts === 0 && run.requests > 0) return { ok: true };
  const codes = Object.entries(run.status_codes).map(([c, n]) => `${c}×${n}`).join(", ");
  return {
    ok: false,
    warning:
      `WARNING: ${run.url} (${run.connections} connections): ${run.non2xx} non-2xx, ` +
      `${run.errors} errors, ${run.timeouts} timeouts out of ${run.requests} (status codes: ${codes || "none"})`,
  };
}

/**
 * `count` GET requests one after the other over one keep-alive connection,
 * after `warmUp` unmeasured ones; each timed from sending to the last byte of
 * the body. With the server's pid (and a cpuSeconds reader), also the server's
 * CPU time per request, which on a shared machine moves less than wall time.
 * `check(response)` may throw to reject a wrong answer (e.g. a redirect to /login).
 */
export async function sequentialRun({ url, headers = {}, count, warmUp = 0, check = () => {}, serverCpu }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(url, { headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ ms: performance.now() - t0, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
    });
  try {
    let last;
    for (let i = 0; i < warmUp; i++) check((last = await get()));
    const cpuBefore = serverCpu?.();
    const latencies = [];
    for (let i = 0; i < count; i++) {
      last = await get();
      check(last);
      latencies.push(last.ms);
    }
    const cpuAfter = serverCpu?.();
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      url,
      count,
      warm_up: warmUp,
      p50_ms: percentile(sorted, 50),
      p95_ms: percentile(sorted, 95),
      max_ms: sorted[sorted.length - 1],
      server_cpu_ms_per_request: cpuBefore === undefined ? NaN : ((cpuAfter - cpuBefore) * 1000) / count,
      latencies_ms: latencies,
      last,
    };
  } finally {
    agent.destroy();
  }
}
