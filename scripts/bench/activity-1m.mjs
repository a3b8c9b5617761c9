// Activity log at 1,000,000 events (issue 6), as a section of `npm run bench`:
// a wrapper around scripts/bench/activity.mjs (which also runs alone as
// `npm run bench:activity`), turning its summary into table rows. Seeding a
// million events takes 4–6 minutes on the reference machine, so this section
// is opt-in: it runs with `--only activity-1m` or when `--events <n>` is given.
import { runActivityBench } from "./activity.mjs";
import { fmt } from "./report.mjs";

const TARGET_P95_MS = 100;

const count = (name, min, max) => (text) => {
  const n = Number.parseInt(text ?? "", 10);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} needs a number from ${min} to ${max}`);
  return n;
};

export default {
  id: "activity-1m",
  title: "Activity log at 1,000,000 events (issue 6)",
  seconds: 420,
  optIn: true,
  dialects: ["sqlite"], // activity.mjs starts its own SQLite servers
  options: {
    events: {
      flag: "--events",
      value: "<n>",
      help: "activity-1m: seed n events (default 1000000, the target's size); giving it runs the section",
      default: 1_000_000,
      parse: count("--events", 1, 10_000_000),
    },
    requests: {
      flag: "--event-requests",
      value: "<n>",
      help: "activity-1m: sequential requests per scenario (default 40)",
      default: 40,
      parse: count("--event-requests", 1, 10_000),
    },
  },
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ options: { events, requests }, metric, step, warn, runs }) {
  step(`seeding ${events.toLocaleString("en-US")} events, then ${requests} sequential requests per scenario (scripts/bench/activity.mjs)`);
  const summary = await runActivityBench({ events, requests });
  Object.assign(runs, summary);
  metric({
    id: "seed_seconds",
    metric: `Seed ${events.toLocaleString("en-US")} events (hash chain, encrypted labels)`,
    value: summary.seed.seconds,
    display: `${fmt(summary.seed.seconds)} s  (${fmt(summary.seed.eventsPerSecond)} events/s, DB ${fmt(summary.seed.databaseMiB)} MiB)`,
    target: "(info)",
    pass: null,
  });
  for (const s of summary.scenarios) {
    metric({
      id: `${s.name.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}_p95_ms`,
      metric: `${s.name}${s.total ? ` (total ${s.total})` : ""}`,
      value: s.p95,
      display: `p50 ${fmt(s.p50, 1)}  p95 ${fmt(s.p95, 1)}  max ${fmt(s.max, 1)} ms`,
      target: `p95 ≤ ${TARGET_P95_MS} ms`,
      pass: s.p95 <= TARGET_P95_MS,
    });
  }
  metric({
    id: "integrity_seconds",
    metric: `Verify integrity over ${fmt(summary.integrity.checked)} events`,
    value: summary.integrity.seconds,
    display: `${summary.integrity.ok ? "intact" : "BROKEN"}, ${fmt(summary.integrity.seconds, 1)} s`,
    target: "intact",
    pass: summary.integrity.ok === true,
  });
  metric({
    id: "export_seconds",
    metric: `CSV export of ${fmt(summary.export.rows)} events`,
    value: summary.export.seconds,
    display: `${fmt(summary.export.seconds, 1)} s`,
    target: "(info)",
    pass: null,
  });
  metric({ id: "rss_mib", metric: "Server RSS after the run", value: summary.rssMiB, display: `${fmt(summary.rssMiB)} MiB`, target: "(info)", pass: null });
  if (events !== 1_000_000) warn(`NOTE: activity-1m seeded ${events.toLocaleString("en-US")} events, not 1,000,000: its target is for 1,000,000.`);
}
