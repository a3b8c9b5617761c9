/**
 * Create-user time on this build against an instance that already holds many
 * users (a copy of a kept users-100k seed, migrated on open): `count` more
 * users through the real createUser, each in its own transaction, as
 * seed-users.ts does (only the argon2 hash precomputed), with the server's
 * background checkpointing on. Prints one JSON line: per-create wall time
 * percentiles and the process's CPU per create.
 *
 * Between creates the loop goes once round the event loop, as a server does
 * between requests (a request arrives as I/O): a create whose promise chain
 * never leaves the microtask queue would otherwise starve everything the
 * server runs on timers and setImmediate, above all the search index's merge
 * (it then ran only after the timed loop, its cost in no create's figure).
 * Each create's time starts when the previous one returned, so work done in
 * the gap (a merge slice, say) is counted in the create that waited for it:
 * a client sending its next request at once.
 *
 * Run: node --conditions=react-server --import tsx scripts/bench/create-users.ts <count> <token>
 * with DATA_DIR (the copy) and ENCRYPTION_KEY (the seed's) set.
 */
import { closeDatabase, openDatabase } from "@/lib/db/database";
import { searchMergeIdle } from "@/lib/data/search-merge";
import { startSqliteHousekeeping } from "@/lib/db/sqlite";
import { createUser } from "@/lib/users/lifecycle";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { hashPassword } from "@/lib/crypto/passwords";
import { benchPerson } from "./bench-people";

const count = Number(process.argv[2] ?? 1000);
const token = process.argv[3] ?? "";
const meta = { ip: "127.0.0.1", userAgent: "latchkey-bench" };
// As seed-users.ts names them, continuing after the seeded ones.
const WARM_UP = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main() {
  startSqliteHousekeeping(await openDatabase());
  // The housekeeping worker's start-up statistics pass (PRAGMA optimize) holds the write lock for a moment.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const actor = await authenticateAccessToken(token);
  if (!actor) throw new Error("create-users: the seed's token does not authenticate");
  const fixedHash = await hashPassword("created users never sign in");
  const precomputed = async () => fixedHash;
  const offset = 10_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  const timings: number[] = [];
  let cpu = process.cpuUsage();
  for (let i = -WARM_UP; i < count; i++) {
    if (i === 0) cpu = process.cpuUsage();
    const n = offset + i + WARM_UP;
    const t0 = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    await createUser(actor, benchPerson(n), meta, precomputed);
    if (i >= 0) timings.push(performance.now() - t0);
  }
  const used = process.cpuUsage(cpu);
  timings.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      created: count,
      createUserMs: { p50: percentile(timings, 50), p95: percentile(timings, 95), p99: percentile(timings, 99), max: timings[timings.length - 1] },
      cpuMsPerCreate: (used.user + used.system) / 1000 / count,
    }),
  );
  // A merge of the search index's recent postings this run started finishes before the database closes.
  await searchMergeIdle();
  await closeDatabase();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
