// The sequential-latency cases the 100k-user and activity-search sections
// share: one runner (http-load.mjs sequentialRun) and one row format.
import { sequentialRun } from "./http-load.mjs";
import { fmt } from "./report.mjs";

/**
 * Sequential requests per case after a warm-up (http-load.mjs sequentialRun),
 * one table row per case: p50, p95, server CPU per request and response size,
 * against "p95 ≤ targetMs". A case is { id, label, path, headers, check(res)
 * (throws on a wrong answer), matches?(last) → number }. Raw figures go to
 * runs.requests[id].
 */
export async function latencyCases({ server, cases, count, warmUp, targetMs, serverCpu, step, metric, runs }) {
  runs.requests ??= {};
  for (const c of cases) {
    const r = await sequentialRun({
      url: `${server.baseURL}${c.path}`,
      headers: c.headers,
      count,
      warmUp,
      serverCpu,
      check: (res) => {
        try {
          c.check(res);
        } catch (err) {
          throw new Error(`GET ${c.path}: ${err.message}\n${server.logs().slice(-4000)}`);
        }
      },
    });
    const { last, ...kept } = r;
    const matches = c.matches?.(last);
    const caseTarget = c.targetMs ?? targetMs;
    const bytes = Buffer.byteLength(last.body);
    runs.requests[c.id] = { ...kept, matches, response_bytes: bytes };
    step(`${c.label}: p50 ${fmt(r.p50_ms, 1)} ms, p95 ${fmt(r.p95_ms, 1)} ms${matches === undefined ? "" : `, ${matches} matches`}`);
    metric({
      id: `${c.id}_p95_ms`,
      metric: `${c.label}${matches === undefined || Number.isNaN(matches) ? "" : ` (${matches} matches)`}`,
      value: r.p95_ms,
      display:
        `p50 ${fmt(r.p50_ms, 1)}  p95 ${fmt(r.p95_ms, 1)} ms  ` +
        `CPU ${fmt(r.server_cpu_ms_per_request, 1)} ms/req  ${fmt(bytes / 1024)} KiB`,
      target: caseTarget === null ? "(info)" : `p95 ≤ ${caseTarget} ms`,
      pass: caseTarget === null ? null : r.p95_ms <= caseTarget,
    });
  }
}
