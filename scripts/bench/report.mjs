// The printed form of the bench's results: one table, a heading row per
// section (its duration and how much CPU other processes used meanwhile),
// then one row per metric. Also the statistics every section uses
// (percentile, median) and the sequential-latency cases the 100k-user and
// activity-search sections share (one runner, one row format).
import { sequentialRun } from "./http-load.mjs";

/** The p-th percentile of an ascending array (nearest rank); NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The median of any array (the mean of the middle two when even). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

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

export const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a");

export function printTable(report) {
  const m = report.machine;
  const rows = [["Metric", "Value", "Target", "Result"]];
  const headings = new Set();
  for (const [id, s] of Object.entries(report.sections)) {
    const heading = [
      `${s.title} [${id}]`,
      `${fmt(s.seconds)} s, other processes ${fmt(s.background_cpu_cores, 2)} cores`,
      "",
      s.error ? "FAILED" : "",
    ];
    headings.add(heading);
    rows.push(heading);
    for (const x of report.metrics.filter((r) => r.section === id)) {
      rows.push([`  ${x.metric}`, x.display, x.target, x.pass === null ? "info" : x.pass ? "PASS" : "FAIL"]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  console.log(
    `\nLatchkey benchmark — ${report.date}\n` +
      `${m.cpus} CPUs (${m.cpu_model}), ${m.memory_gib} GiB RAM, Node ${m.node}, UV_THREADPOOL_SIZE ${m.uv_threadpool_size}\n` +
      `Load average ${report.load_average.start.join(" ")} at start, ${report.load_average.end.join(" ")} at end. ` +
      `CPU used by other processes: ${fmt(report.background_cpu_cores.before_start, 2)} cores just before, ` +
      `${fmt(report.background_cpu_cores.during_bench, 2)} cores on average during the bench\n` +
      `build ${report.build.build_id}${report.build.built_now ? " (built by this run)" : ""}` +
      `${report.build.stale_sources?.length ? " (STALE: sources changed since)" : ""}; ` +
      `bench took ${fmt(report.bench_seconds)} s\n`,
  );
  console.log(line(rows[0]));
  console.log(rule);
  for (const r of rows.slice(1)) console.log(line(r));
  const counted = report.metrics.filter((x) => x.pass !== null);
  console.log(`\n${counted.filter((x) => x.pass).length} of ${counted.length} targets met.`);
  for (const w of report.warnings) console.log(w);
}
