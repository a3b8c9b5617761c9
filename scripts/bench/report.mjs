// The printed form of the bench's results: one table, a heading row per
// section (its duration and how much CPU other processes used meanwhile),
// then one row per metric, and the number format every row uses (fmt).
// Statistics live in stats.mjs, the shared latency cases in latency-cases.mjs.

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
