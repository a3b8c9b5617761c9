// Users at 100,000 (issue 3): seeds 100,000 users through the real service
// (seed-users.ts: createUser with real encryption, blind index and activity
// events; only the argon2 hash is precomputed) into a fresh DATA_DIR, then
// starts the production server on it and measures, with sequential requests
// after a warm-up, the Team → Users page (first page, search by a name
// fragment, filter by role) and GET /api/users?search=. Targets (issue 11):
// search=ann p95 ≤ 10 ms on SQLite, ≤ 20 ms on PostgreSQL; first page p95
// ≤ 30 ms; the longest wait of any request in the first 10 s after start
// ≤ 100 ms; RSS ≤ 250 MiB after the lists ran; create user (without the hash)
// ≤ 5 ms p95. Takes 4–15 minutes, most of it seeding. With --users-seed the seeding is done once and
// kept (SQLite); a PostgreSQL pass copies the kept seed in (./postgres-seed.mjs).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { signInCookie } from "./password-load.mjs";
import { latencyCases } from "./latency-cases.mjs";
import { cloneDatabase, copySeedToPostgres, dropDatabase } from "./postgres-seed.mjs";
import { fmt } from "./report.mjs";
import { cpuSeconds, currentDialect, databaseEnv, lastJsonLine, randomEncryptionKey, removeTempDir, rssMiB, runNode, startServer, tempDataDir } from "./server.mjs";

// seed-users.ts creates this owner (with an access token) before the users.
const OWNER = { email: "owner@bench.example", password: "bench owner passphrase" };
const REQUESTS = 50;
// Requests per case before timing: V8 compiles the page's code over the first few dozen (a first
// page cost 65 → 45 ms of CPU from its first to its third block of 50), so 5 timed a cold server.
const WARM_UP = 30;
const TARGET_MS = 50;
const FIRST_PAGE_TARGET_MS = 30;
const SEARCH_TARGET_MS = { sqlite: 10, postgres: 20 };
const AFTER_START_MS = 10_000;
const START_WAIT_TARGET_MS = 100;
const RSS_TARGET_MIB = 250;
/** With a kept seed: users created on a copy of it by this build, for the create-user row. */
const CREATE_MORE = 1_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "Showing 1–25 of 100001" from the page's HTML (React separates text parts with <!-- -->). */
function pageShape(html) {
  const m = /Showing (\d+)–(\d+) of (\d+)/.exec(html.replaceAll("<!-- -->", ""));
  return m ? { from: Number(m[1]), to: Number(m[2]), total: Number(m[3]) } : null;
}

/** GETs `url` every 25 ms until `done` settles (at least once); returns each response time in ms. */
async function pollWhile(url, done) {
  let finished = false;
  done.finally(() => (finished = true)).catch(() => {});
  const times = [];
  while (!finished) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await sleep(25);
  }
  return times;
}

/** Waits (up to 15 s) until the server is idle (under 5 % of a core over 500 ms), e.g. done collecting garbage; returns the time waited. */
async function settle(serverCpu) {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    const before = serverCpu();
    await sleep(500);
    if (serverCpu() - before < 0.025) break;
  }
  return performance.now() - started;
}

export default {
  id: "users-100k",
  title: "Users at 100,000 (issue 3)",
  seconds: 180,
  options: {
    seedUsers: {
      flag: "--seed-users",
      value: "<n>",
      help: "users-100k: how many users to seed (default 100000; the targets are for 100,000)",
      default: 100_000,
      parse(text) {
        const n = Number.parseInt(text ?? "", 10);
        if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error("--seed-users needs a number from 1 to 1000000");
        return n;
      },
    },
    seedDir: {
      flag: "--users-seed",
      value: "<dir>",
      help: "users-100k: keep the seeded instance in <dir> (database, key, seed figures) and reuse it when <dir> holds one, skipping the seeding (a copy is measured). Seeds are kept on SQLite; on PostgreSQL a kept seed is copied in with npm run db:copy",
      default: undefined,
      parse(text) {
        if (!text) throw new Error("--users-seed needs a directory");
        return path.resolve(text);
      },
    },
  },
  run,
};

/** @param {import("./sections.mjs").SectionContext} ctx */
async function run({ root, options: { seedUsers: count, seedDir }, metric, step, warn, runs }) {
  const n = count.toLocaleString("en-US");
  const dataDir = tempDataDir("latchkey-bench-100k-");
  // --users-seed: a kept seed (kept as a SQLite instance; the server migrates the copy it measures, never the kept one).
  const kept = seedDir && fs.existsSync(path.join(seedDir, "seed.json")) ? JSON.parse(fs.readFileSync(path.join(seedDir, "seed.json"), "utf8")) : null;
  if (kept && kept.count !== count) throw new Error(`--users-seed ${seedDir} holds ${kept.count} users, not ${count}`);
  const onPostgres = currentDialect() === "postgres";
  if (seedDir && onPostgres && !kept) {
    throw new Error(`--users-seed on PostgreSQL reuses a seed kept by a SQLite run: run npm run bench -- --dialect sqlite --only users-100k --users-seed ${seedDir} first`);
  }
  const encryptionKey = kept ? kept.encryptionKey : randomEncryptionKey();
  // The seeding script and the server share one database (a fresh one on PostgreSQL).
  const database = await databaseEnv();
  let server;
  try {
    let seed;
    if (kept) {
      step(`reusing the ${n} users seeded in ${seedDir} (seeding figures from that run)`);
      fs.cpSync(path.join(seedDir, "data"), dataDir, { recursive: true });
      seed = { ...kept.seed };
      // On PostgreSQL: the kept SQLite instance copied into the fresh database as an operator moves one
      // (npm run db:copy, which also checks the counts and the activity chain there).
      const copy = onPostgres ? await copySeedToPostgres(root, dataDir, encryptionKey, database.DATABASE_URL, step) : null;
      if (copy) runs.seed_copy = copy;
      // The seed's create-user figure is the build that seeded it: create more on a second copy with this build.
      step(`creating ${CREATE_MORE.toLocaleString("en-US")} more users on a copy of the kept seed with this build (scripts/bench/create-users.ts)`);
      const createDir = tempDataDir("latchkey-bench-100k-create-");
      fs.cpSync(path.join(seedDir, "data"), createDir, { recursive: true });
      const createDatabase = onPostgres ? { DATABASE_URL: await cloneDatabase(database.DATABASE_URL) } : database;
      const created = lastJsonLine(
        await runNode(root, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "bench", "create-users.ts"), String(CREATE_MORE), kept.seed.token], {
          env: { DATA_DIR: createDir, ENCRYPTION_KEY: encryptionKey, ...createDatabase },
        }),
      );
      removeTempDir(createDir);
      if (onPostgres) await dropDatabase(createDatabase.DATABASE_URL);
      seed.seededCreateUserMs = seed.createUserMs;
      seed.createUserMs = created.createUserMs;
      seed.createUserCpuMs = created.cpuMsPerCreate;
      seed.createdOnThisBuild = CREATE_MORE;
    } else {
      // 1. Seed before the server starts, so its directory of users is loaded from a full table.
      step(`seeding ${n} users through lib/users createUser (precomputed password hash) into ${dataDir}`);
      const seedStarted = performance.now();
      const stdout = await runNode(root, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "bench", "seed-users.ts"), String(count)], {
        env: { DATA_DIR: dataDir, ENCRYPTION_KEY: encryptionKey, ...database },
        onStderr: (line) => step(`  ${line.trim()}`),
      });
      seed = lastJsonLine(stdout);
      seed.wall_seconds = (performance.now() - seedStarted) / 1000;
      if (seedDir) {
        fs.mkdirSync(seedDir, { recursive: true });
        fs.cpSync(dataDir, path.join(seedDir, "data"), { recursive: true });
        fs.writeFileSync(path.join(seedDir, "seed.json"), JSON.stringify({ count, encryptionKey, seed }), { mode: 0o600 });
        step(`kept the seeded instance in ${seedDir} for --users-seed`);
      }
    }
    const token = seed.token;
    delete seed.token;
    runs.seed = seed;
    step(`seeded ${n} users in ${fmt(seed.seconds)} s`);
    metric({
      id: "seed_seconds",
      metric: runs.seed_copy
        ? `Seed ${n} users (kept SQLite seed's figure), copied here by npm run db:copy`
        : `Seed ${n} users (one createUser each, separate transactions)`,
      value: seed.seconds,
      display:
        `${fmt(seed.seconds)} s  (${fmt(count / seed.seconds)} users/s)` +
        (runs.seed_copy ? `; copy ${fmt(runs.seed_copy.seconds)} s, ${runs.seed_copy.rows.toLocaleString("en-US")} rows` : ""),
      target: "(info)",
      pass: null,
    });
    metric({
      id: "create_user_p95_ms",
      metric: seed.createdOnThisBuild
        ? `Create user, without the password hash (in process, ${seed.createdOnThisBuild.toLocaleString("en-US")} more on the kept seed, this build)`
        : "Create user, without the password hash (in process)",
      value: seed.createUserMs.p95,
      display:
        `p50 ${fmt(seed.createUserMs.p50, 2)}  p95 ${fmt(seed.createUserMs.p95, 2)}  p99 ${fmt(seed.createUserMs.p99, 2)} ms` +
        (seed.createUserCpuMs ? `  (CPU ${fmt(seed.createUserCpuMs, 2)} ms each)` : ""),
      target: "p95 ≤ 5 ms",
      pass: seed.createUserMs.p95 <= 5,
    });

    // 2. The server on the seeded data.
    server = await startServer(root, { dataDir, encryptionKey, env: database });
    const spawnedAt = performance.now() - server.startupMs;
    const url = (p) => `${server.baseURL}${p}`;
    const bearer = { authorization: `Bearer ${token}` };
    const serverCpu = () => cpuSeconds(server.pid);
    step(`server pid ${server.pid} on ${server.baseURL}, up in ${fmt(server.startupMs)} ms`);

    // 3. The directory's first load. A 422 first (bad limit: token checked,
    // route code loaded, but no list) keeps route start-up out of the timing.
    const bad = await fetch(url("/api/users?limit=0"), { headers: bearer });
    await bad.arrayBuffer();
    if (bad.status !== 422) throw new Error(`GET /api/users?limit=0 answered ${bad.status}, expected 422\n${server.logs().slice(-4000)}`);
    const rssBefore = rssMiB(server.pid);
    const cpuBefore = serverCpu();
    const firstStarted = performance.now();
    const firstDone = fetch(url("/api/users?limit=25"), { headers: bearer }).then(async (res) => {
      await res.arrayBuffer();
      return { res, ms: performance.now() - firstStarted };
    });
    // Meanwhile, GET /api/health every 25 ms: its slowest answer shows how long other requests wait.
    const healthMs = await pollWhile(url("/api/health"), firstDone);
    const { res: first, ms: firstMs } = await firstDone;
    const firstCpuMs = (serverCpu() - cpuBefore) * 1000;
    if (first.status !== 200) throw new Error(`first GET /api/users answered ${first.status}\n${server.logs().slice(-4000)}`);
    const total = Number(first.headers.get("x-total-count"));
    const rssAfter = rssMiB(server.pid);
    const healthMax = Math.max(...healthMs);
    runs.directory_first_load = {
      ms: firstMs,
      server_cpu_ms: firstCpuMs,
      total,
      rss_before_mib: rssBefore,
      rss_after_mib: rssAfter,
      health_during_ms: healthMs,
    };
    step(`first list request after start (${total} users): ${fmt(firstMs)} ms`);
    if (total !== count + 1) warn(`WARNING: users-100k: X-Total-Count is ${total}, expected ${count + 1} (the owner and ${n} seeded users)`);
    metric({
      id: "directory_first_load_ms",
      metric: `First GET /api/users?limit=25 after start (${total} users)`,
      value: firstMs,
      display: `${fmt(firstMs)} ms  (server CPU ${fmt(firstCpuMs)} ms; RSS ${fmt(rssBefore)} → ${fmt(rssAfter)} MiB)`,
      target: "(info)",
      pass: null,
    });
    metric({
      id: "health_during_first_load_max_ms",
      metric: "  slowest GET /api/health meanwhile (polled every 25 ms)",
      value: healthMax,
      display: `${fmt(healthMax)} ms  (${healthMs.length} ${healthMs.length === 1 ? "poll" : "polls"})`,
      target: "(info)",
      pass: null,
    });

    // 4. Start-up work that runs after the first 200 (lib/jobs.ts starts its
    // first maintenance pass 5 s after start, on the main thread). Polled until
    // AFTER_START_MS after spawn, so it shows here and not in the cases below.
    const laterMs = await pollWhile(url("/api/health"), sleep(Math.max(0, spawnedAt + AFTER_START_MS - performance.now())));
    const laterMax = laterMs.length ? Math.max(...laterMs) : NaN;
    runs.health_after_first_load_ms = laterMs;
    step(`slowest GET /api/health until ${AFTER_START_MS / 1000} s after start: ${fmt(laterMax)} ms`);
    metric({
      id: "health_after_start_max_ms",
      metric: `Slowest GET /api/health later, up to ${AFTER_START_MS / 1000} s after start`,
      value: laterMax,
      display: `${fmt(laterMax)} ms  (${laterMs.length} polls every 25 ms)`,
      target: "(info)",
      pass: null,
    });
    const startWaitMax = Math.max(healthMax, laterMax, firstMs);
    metric({
      id: "start_wait_max_ms",
      metric: `Longest wait of any request in the first ${AFTER_START_MS / 1000} s after start (the first list included)`,
      value: startWaitMax,
      display: `${fmt(startWaitMax)} ms  (listening ${fmt(server.startupMs)} ms after spawn)`,
      target: `≤ ${START_WAIT_TARGET_MS} ms`,
      pass: startWaitMax <= START_WAIT_TARGET_MS,
    });

    // 5. A dashboard session through Auth.js's credentials sign-in.
    const cookie = await signInCookie({ baseURL: server.baseURL, ...OWNER });
    const session = { cookie };
    runs.settle_ms = await settle(serverCpu);

    const isPage = (expect) => (res) => {
      if (res.status !== 200) throw new Error(`${res.status} ${res.headers.location ?? ""} (expected the Users page)`);
      const shape = pageShape(res.body);
      if (!shape) throw new Error("the page has no \"Showing … of …\" line: not the Users table");
      if (expect && !expect(shape)) throw new Error(`unexpected page shape ${JSON.stringify(shape)}`);
    };
    const isList = (res) => {
      if (res.status !== 200) throw new Error(`${res.status}: ${res.body.slice(0, 300)}`);
    };
    const cases = [
      {
        id: "page_first",
        label: "Team → Users page, first page (HTML, session)",
        path: "/team/users",
        headers: session,
        targetMs: FIRST_PAGE_TARGET_MS,
        check: isPage((s) => s.total === total && s.to === Math.min(25, total)),
      },
      { id: "page_search", label: "Team → Users page, search=ann", path: "/team/users?search=ann", headers: session, check: isPage() },
      { id: "page_role", label: "Team → Users page, role=auditor", path: "/team/users?role=auditor", headers: session, check: isPage() },
      {
        id: "api_search",
        // A page of results, as the figure was measured: since the NetBird API issue a list
        // without a limit returns every match (NetBird's behaviour), measured below as information.
        label: "GET /api/users?search=ann&limit=25 (token)",
        path: "/api/users?search=ann&limit=25",
        headers: bearer,
        check: isList,
        targetMs: SEARCH_TARGET_MS[currentDialect()],
      },
    ];
    step(`${cases.length} cases: ${WARM_UP} warm-up then ${REQUESTS} sequential requests each`);
    const matches = (c) => (last) => (c.path.startsWith("/api/") ? Number(last.headers["x-total-count"]) : pageShape(last.body)?.total);
    await latencyCases({
      server,
      cases: cases.map((c) => ({ ...c, matches: matches(c) })),
      count: REQUESTS,
      warmUp: WARM_UP,
      targetMs: TARGET_MS,
      serverCpu,
      step,
      metric,
      runs,
    });
    const rssEnd = rssMiB(server.pid);
    runs.rss_end_mib = rssEnd;
    metric({
      id: "rss_mib",
      metric: `Server RSS with ${n} users loaded`,
      value: rssEnd,
      display: `${fmt(rssEnd)} MiB`,
      target: `≤ ${RSS_TARGET_MIB} MiB`,
      pass: rssEnd <= RSS_TARGET_MIB,
    });
    // Every match in one response (no limit: NetBird's list-everything), then the RSS it leaves.
    const everyMatch = {
      id: "api_search_all",
      label: "GET /api/users?search=ann, every match (token, no limit)",
      path: "/api/users?search=ann",
      headers: bearer,
      check: isList,
      targetMs: null,
    };
    await latencyCases({
      server,
      cases: [{ ...everyMatch, matches: matches(everyMatch) }],
      count: 10,
      warmUp: 2,
      targetMs: null,
      serverCpu,
      step,
      metric,
      runs,
    });
    const rssAfterAll = rssMiB(server.pid);
    runs.rss_after_every_match_mib = rssAfterAll;
    metric({
      id: "rss_after_every_match_mib",
      metric: "  server RSS after those",
      value: rssAfterAll,
      display: `${fmt(rssAfterAll)} MiB`,
      target: "(info)",
      pass: null,
    });
    if (count !== 100_000) warn(`NOTE: users-100k seeded ${n} users, not 100,000: its targets are for 100,000.`);
  } finally {
    if (server) await server.stop();
    else removeTempDir(dataDir);
  }
}
