/**
 * Benchmark seeding: a fresh instance with an owner (and access token) and N
 * users created through the real service (lib/users/lifecycle.ts createUser:
 * rules, real AES-GCM encryption, blind index, activity events). Only the
 * argon2 hash is replaced by a precomputed one, so seeding 100,000 users takes
 * about a minute instead of an hour; the time per create (without the hash)
 * is measured and printed as JSON on the last line.
 *
 * Run: node --conditions=react-server --import tsx scripts/bench/seed-users.ts <count>
 * with DATA_DIR and ENCRYPTION_KEY set (a fresh directory), and DATABASE_URL for PostgreSQL.
 */
import { closeDatabase, openDatabase } from "@/lib/db/database";
import { searchMergeIdle } from "@/lib/data/search-merge";
import { startSqliteHousekeeping } from "@/lib/db/sqlite";
import { createUser } from "@/lib/users/lifecycle";
import { cleanStoredNames } from "@/lib/users/name-cleanup";
import { refoldStoredUsernames } from "@/lib/ops/username-refold";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { hashPassword } from "@/lib/crypto/passwords";
import { benchPerson } from "./bench-people";

const count = Number(process.argv[2] ?? 100_000);
const meta = { ip: "127.0.0.1", userAgent: "latchkey-bench" };

/** Nearest rank, as scripts/bench/report.mjs computes it (this TypeScript script can't import that plain module's types). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}


async function main() {
  // PostgreSQL (DATABASE_URL) opens asynchronously; SQLite opens here too, checkpointing in the background as the server does.
  startSqliteHousekeeping(await openDatabase());
  const owner = await completeSetup(
    setupInputSchema.parse({
      email: "owner@bench.example",
      password: "bench owner passphrase",
      name: "Bench Owner",
      create_pat: true,
      pat_expire_in: 1,
    }),
    meta,
  );
  const token = owner.personal_access_token!;
  const actor = await authenticateAccessToken(token);
  if (!actor) throw new Error("seed: the setup token does not authenticate");
  const fixedHash = await hashPassword("seeded users never sign in");
  const precomputed = async () => fixedHash;

  const timings: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await createUser(actor, benchPerson(i), meta, precomputed);
    timings.push(performance.now() - t0);
    if ((i + 1) % 20_000 === 0) process.stderr.write(`  seeded ${i + 1} users\n`);
  }
  timings.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      token,
      users: count + 1,
      seconds: (performance.now() - started) / 1000,
      createUserMs: { p50: percentile(timings, 50), p95: percentile(timings, 95), p99: percentile(timings, 99) },
    }),
  );
  // A merge of the search index's recent postings this run started finishes before the database closes.
  await searchMergeIdle();
  // As an instance's first maintenance pass and first start would have (they find nothing to change here): the
  // bench's servers start as a running instance restarts, not as the first start after an upgrade.
  await cleanStoredNames();
  await refoldStoredUsernames();
  await closeDatabase();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
