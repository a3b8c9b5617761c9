// Fixed-duration HTTP load with autocannon. autocannon's own histogram has no
// p95, so every response time is also collected here and p50/p95/p99 come from
// the full set of samples.
import autocannon from "autocannon";

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
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
