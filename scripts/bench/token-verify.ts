/**
 * Access-token verification alone, in process, on one core: the real
 * authenticateAccessToken (format and CRC32 check, SHA-256, one prepared
 * indexed lookup joined to the owner, expiry and status) against a database
 * holding 10,000 tokens (SQLite in a temp DATA_DIR, or the PostgreSQL database
 * DATABASE_URL names). Prints one JSON line; scripts/bench/tokens.mjs runs it as
 *   node --conditions=react-server --import tsx scripts/bench/token-verify.ts
 * (react-server makes "server-only" importable outside Next.js).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-verify-"));
process.env.DATA_DIR = dataDir;
process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");

const TOKENS = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function main() {
  const { closeDatabase, openDatabase } = await import("@/lib/db/database");
  const { writeSystem } = await import("@/lib/data/unit-of-work");
  const { accounts, users } = await import("@/lib/db/schema");
  const { sealName } = await import("@/lib/users/records");
  const { authenticateAccessToken, mintAccessToken } = await import("@/lib/tokens/access-tokens");
  const { digestToken, isWellFormedToken, mintSecretToken } = await import("@/lib/crypto/secret-tokens");

  await openDatabase(); // DATABASE_URL: PostgreSQL; otherwise SQLite in the temp DATA_DIR
  const accountId = crypto.randomUUID();
  const plains: string[] = [];
  await writeSystem(async (tx) => {
    await tx.insert(accounts).values({ id: accountId });
    for (let u = 0; u < 10; u++) {
      const userId = crypto.randomUUID();
      await tx.insert(users).values({ id: userId, accountId, ...sealName(userId, `Robot ${u}`), role: "admin", isServiceUser: true });
      for (let t = 0; t < TOKENS / 10; t++) {
        plains.push((await mintAccessToken(tx, { accountId, userId, name: `t${t}`, expiresInDays: 30, createdBy: userId })).plain);
      }
    }
  });

  /**
   * Calls fn over and over for SECONDS. Returns calls per second of wall time, and per second of
   * this process's CPU time: the rate one core would give if nothing else ran on it (the machine
   * may be shared, so wall time alone undercounts).
   */
  async function rate(fn: (i: number) => unknown): Promise<{ wall: number; cpu: number }> {
    for (let i = 0; i < 20_000; i++) await fn(i); // warm up the JIT and SQLite's page cache
    let calls = 0;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(SECONDS * 1e9);
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 1000; i++) await fn(calls + i);
      calls += 1000;
      now = process.hrtime.bigint();
    }
    const cpu = process.cpuUsage(cpuStart);
    return {
      wall: Math.round(calls / (Number(now - start) / 1e9)),
      cpu: Math.round(calls / ((cpu.user + cpu.system) / 1e6)),
    };
  }

  // Well-formed (right checksum) but never issued: refused by the lookup.
  const unknown = mintSecretToken("lkp").plain;
  const pick = (i: number) => plains[(i * 7919) % plains.length];
  const now = new Date();
  // Every token is used once first, so last_used_at (written at most once a minute) is not rewritten during the run.
  for (const p of plains) if (!await authenticateAccessToken(p, now)) throw new Error("a minted token does not verify");
  // Rates are calls per second: { wall, cpu } (see rate()).
  const result = {
    tokens_in_database: plains.length,
    seconds_per_measure: SECONDS,
    format_and_checksum: await rate((i) => isWellFormedToken(pick(i), "lkp")),
    sha256_digest: await rate((i) => digestToken(pick(i))),
    verify_valid: await rate((i) => authenticateAccessToken(pick(i), now)),
    reject_malformed: await rate((i) => authenticateAccessToken(pick(i).slice(0, -1) + "!", now)),
    reject_unknown: await rate(() => authenticateAccessToken(unknown, now)),
  };
  await closeDatabase();
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.error(err);
  process.exit(1);
});
