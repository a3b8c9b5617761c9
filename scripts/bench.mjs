// `npm run bench`: measures a production Latchkey on this machine, section by
// section (scripts/bench/sections.mjs: foundation, tokens, users-100k, and the
// opt-in activity-1m), and prints one table of figures against their targets,
// then the same as JSON (or into the file given by `--json <file>`).
// `--dialect sqlite|postgres|both` picks the database (default: both when
// PostgreSQL is installed; PostgreSQL runs on a throwaway server from
// scripts/test-support/postgres.mjs, a fresh database per server); every
// section runs once per dialect. `--only <section,...>` runs a subset. Builds only when .next/BUILD_ID is
// missing (or `--build` forces one), and warns when sources are newer than the
// build. The default run takes about 5 minutes; docs/benchmarks.md explains
// the figures.
// Benchmarks are not tests: the exit code is 0 whenever the run completes,
// whatever the figures say; it is non-zero only when the run itself (or a
// section) fails.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { ensureBuild } from "./bench/build.mjs";
import { allOk } from "./bench/http-load.mjs";
import { cpuCounters, machineInfo, otherCores } from "./bench/machine.mjs";
import { printTable } from "./bench/report.mjs";
import { SECTIONS } from "./bench/sections.mjs";
import { killAllNow, useDialect } from "./bench/server.mjs";
import { findPostgresBin, startPostgres } from "./test-support/postgres.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

class UsageError extends Error {}

function usage() {
  const ids = SECTIONS.map((s) => s.id).join(",");
  const optIn = SECTIONS.filter((s) => s.optIn).map((s) => s.id).join(", ");
  const row = (flag, text) => `  ${flag.padEnd(22)}${text}`;
  const lines = [
    "Usage: node scripts/bench.mjs [--only <section,...>] [--json <file>] [--build] [section options]",
    row("--dialect <d>", "sqlite, postgres or both (default: both when PostgreSQL is installed, else sqlite)"),
    row("--only <list>", `run only these sections (of ${ids});`),
    row("", `without it, every section but the opt-in ${optIn}`),
    row("--json <file>", "write the results there instead of printing them as JSON"),
    row("--build", "run next build first even if .next/BUILD_ID exists"),
    row("--list", "list the sections and exit"),
  ];
  for (const s of SECTIONS) {
    for (const o of Object.values(s.options)) lines.push(row(`${o.flag} ${o.value}`, o.help));
  }
  return lines.join("\n");
}

function parseArgs(argv) {
  const args = { json: undefined, build: false, only: undefined, dialects: undefined, sectionOptions: {}, optionsGiven: new Set() };
  const byFlag = new Map();
  for (const s of SECTIONS) {
    args.sectionOptions[s.id] = {};
    for (const [key, o] of Object.entries(s.options)) {
      args.sectionOptions[s.id][key] = o.default;
      byFlag.set(o.flag, { section: s.id, key, option: o });
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") {
      args.json = argv[++i];
      if (!args.json) throw new UsageError("--json needs a file path");
    } else if (arg === "--only") {
      const list = (argv[++i] ?? "").split(",").map((x) => x.trim()).filter(Boolean);
      const unknown = list.filter((id) => !SECTIONS.some((s) => s.id === id));
      if (list.length === 0 || unknown.length > 0) {
        throw new UsageError(`--only takes a comma-separated list of: ${SECTIONS.map((s) => s.id).join(", ")}${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
      }
      args.only = new Set(list);
    } else if (arg === "--dialect") {
      const d = argv[++i];
      if (!["sqlite", "postgres", "both"].includes(d)) throw new UsageError("--dialect takes sqlite, postgres or both");
      args.dialects = d === "both" ? ["sqlite", "postgres"] : [d];
    } else if (arg === "--build") {
      args.build = true;
    } else if (arg === "--list") {
      for (const s of SECTIONS) console.log(`${s.id.padEnd(12)} ${s.title}, about ${s.seconds} s${s.optIn ? " (opt-in)" : ""}`);
      process.exit(0);
    } else if (arg === "--help" || arg === "-h") {
      console.log(usage());
      process.exit(0);
    } else if (byFlag.has(arg)) {
      const { section, key, option } = byFlag.get(arg);
      try {
        args.sectionOptions[section][key] = option.parse(argv[++i]);
        args.optionsGiven.add(section);
      } catch (err) {
        throw new UsageError(err.message);
      }
    } else {
      throw new UsageError(`Unknown argument: ${arg} (try --help)`);
    }
  }
  return args;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The production build's id, or null while there is none (e.g. during a rebuild). */
function readBuildId() {
  try {
    return fs.readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8").trim();
  } catch {
    return null;
  }
}

/** Waits (up to 5 minutes) until .next/BUILD_ID exists and has not changed for 15 s. */
async function waitForStableBuild() {
  const deadline = performance.now() + 5 * 60_000;
  let last = readBuildId();
  let stableSince = performance.now();
  while (performance.now() < deadline) {
    await sleep(1000);
    const now = readBuildId();
    if (now !== last) {
      last = now;
      stableSince = performance.now();
    } else if (now && performance.now() - stableSince >= 15_000) {
      return;
    }
  }
  throw new Error("no stable production build in .next after 5 minutes");
}
function postgresInstalled() {
  try {
    findPostgresBin();
    return true;
  } catch {
    return false;
  }
}

const DIALECT_NAMES = { sqlite: "SQLite", postgres: "PostgreSQL" };

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const sections = SECTIONS.filter((s) => (args.only ? args.only.has(s.id) : !s.optIn || args.optionsGiven.has(s.id)));
  const dialects = args.dialects ?? (postgresInstalled() ? ["sqlite", "postgres"] : ["sqlite"]);
  // Each section on each dialect it supports (e.g. the replica section is PostgreSQL's alone).
  const plan = dialects.flatMap((dialect) => sections.filter((s) => !s.dialects || s.dialects.includes(dialect)).map((section) => ({ dialect, section })));
  const benchStarted = performance.now();
  const warnings = [];
  const warn = (text) => {
    warnings.push(text);
    console.warn(text);
  };
  const idleStart = cpuCounters();
  await sleep(1000);
  const cpuStart = cpuCounters();
  const backgroundBefore = otherCores(idleStart, cpuStart);
  if (backgroundBefore > 0.2) {
    warn(
      `WARNING: other processes were using ${backgroundBefore.toFixed(2)} cores when the bench started: ` +
        "the figures will be lower and noisier than on an idle machine.",
    );
  }
  const report = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    load_average: { start: loadAverage() },
    build: ensureBuild(root, { force: args.build }),
    dialects,
    sections_run: plan.map(({ dialect, section }) => `${section.id}@${dialect}`),
    sections: {},
    metrics: [],
  };
  const stale = report.build.stale_sources ?? [];
  if (stale.length > 0) {
    warn(
      `WARNING: ${stale.length} source file(s) changed after the production build (e.g. ${stale.slice(0, 3).join(", ")}); ` +
        "the figures describe the old build. Run `npm run build` first, or pass --build.",
    );
  }
  console.log(
    `Sections: ${plan.map(({ dialect, section: s }) => `${s.id}@${dialect} (~${s.seconds} s)`).join(", ")}; ` +
      `load average ${report.load_average.start.join(" ")}`,
  );

  let failed = 0;
  let postgres = null;
  for (const { dialect, section } of plan) {
    if (dialect === "postgres" && !postgres) {
      console.log("\nStarting a throwaway PostgreSQL server for the PostgreSQL pass");
      postgres = await startPostgres();
    }
    useDialect(dialect, postgres?.createDatabase);
    const key = `${section.id}@${dialect}`;
    console.log(`\n== ${section.title} on ${DIALECT_NAMES[dialect]} [${key}] ==`);
    const started = performance.now();
    const cpuBefore = cpuCounters();
    const entry = { title: `${section.title} — ${DIALECT_NAMES[dialect]}`, dialect, options: args.sectionOptions[section.id] };
    report.sections[key] = entry;
    for (let attempt = 1; ; attempt++) {
      entry.runs = {};
      entry.build_id = readBuildId();
      const ctx = {
        root,
        dialect,
        options: args.sectionOptions[section.id],
        runs: entry.runs,
        metric: (m) => report.metrics.push({ section: key, dialect, ...m, id: `${dialect}.${section.id}.${m.id}` }),
        step: (text) => console.log(`· ${text}`),
        warn,
        checkLoad: (run) => {
          const check = allOk(run);
          if (!check.ok) warn(check.warning);
          return check.ok;
        },
      };
      try {
        await section.run(ctx);
        if (readBuildId() !== entry.build_id) warn(`WARNING: .next was rebuilt while ${key} ran; its figures may mix two builds.`);
        break;
      } catch (err) {
        killAllNow(); // whatever the section left running
        // On a shared machine someone may rebuild .next mid-run: wait for their build and run the section again, once.
        if (attempt === 1 && readBuildId() !== entry.build_id) {
          warn(`WARNING: the production build changed during ${key} (.next was rebuilt by another process); running the section again.`);
          report.metrics = report.metrics.filter((m) => m.section !== key);
          await waitForStableBuild();
          continue;
        }
        failed += 1;
        entry.error = String(err?.stack ?? err);
        console.error(`\nSection ${key} failed: ${err?.stack ?? err}`);
        ctx.metric({ id: "error", metric: "Section failed (see error in the JSON)", value: NaN, display: String(err?.message ?? err).split("\n")[0].slice(0, 80), target: "runs", pass: false });
        break;
      }
    }
    // The section's servers and helper processes are stopped and reaped by now, so their CPU counts as ours.
    entry.seconds = (performance.now() - started) / 1000;
    entry.background_cpu_cores = otherCores(cpuBefore, cpuCounters());
    entry.load_average_end = loadAverage();
    if (entry.background_cpu_cores > 0.2) {
      warn(`WARNING: other processes used ${entry.background_cpu_cores.toFixed(2)} cores on average during ${key}; treat its figures as noisy.`);
    }
    if (entry.build_id !== report.build.build_id) warn(`WARNING: ${key} measured build ${entry.build_id}, not ${report.build.build_id} (.next was rebuilt during the bench).`);
  }

  if (postgres) await postgres.stop();
  report.background_cpu_cores = { before_start: backgroundBefore, during_bench: otherCores(cpuStart, cpuCounters()) };
  report.load_average.end = loadAverage();
  report.warnings = warnings;
  report.bench_seconds = (performance.now() - benchStarted) / 1000;
  printTable(report);
  if (args.json) {
    fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nJSON written to ${args.json}`);
  } else {
    console.log(`\n${JSON.stringify(report, null, 2)}`);
  }
  if (failed > 0) {
    console.error(`\n${failed} section(s) failed.`);
    process.exitCode = 1;
  }
}

process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAllNow();
    console.error(`\nInterrupted (${signal}); servers stopped.`);
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(err instanceof UsageError ? err.message : `\nBenchmark failed: ${err?.stack ?? err}`);
  killAllNow();
  process.exit(1);
});
