/**
 * The password policy's strength estimate alone, in process: how long the
 * first check takes (loading zxcvbn-ts and ranking its dictionaries, paid once
 * per process), and each later check (p50/p95/max over passwords people type:
 * passphrases, l33t, names, long ones). Prints one JSON line; scripts/bench/passwords.mjs runs it as
 *   node --conditions=react-server --import tsx scripts/bench/password-strength.ts
 */
import { performance } from "node:perf_hooks";

const CANDIDATES = [
  "correct horse battery staple",
  "a chosen passphrase for someone 1a2b3c",
  "Tr0ub4dor&3",
  "p4ssw0rd!2024",
  "Summer2024",
  "Olive Owner1",
  "cookies are for browsers",
  "x7#kP2q!Lm9@vB4$",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "th3 qu1ck br0wn f0x jump5 0v3r th3 l4zy d0g 4nd k33p5 runn1ng 4r0und",
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

async function main() {
  const { estimatePassword } = await import("@/lib/passwords/policy");
  const owner = { name: "Olive Owner", email: "olive.owner@example.com" };
  let started = performance.now();
  await estimatePassword("the very first check", owner);
  const firstMs = performance.now() - started;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const candidate of CANDIDATES) {
      started = performance.now();
      await estimatePassword(`${candidate}${round}`, owner);
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  console.log(JSON.stringify({ first_ms: firstMs, checks: times.length, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: times[times.length - 1] }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
