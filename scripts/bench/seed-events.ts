/**
 * Benchmark seeding for the activity log: a fresh instance with an owner (and
 * access token), a couple of hundred users created through the real service,
 * then N events written through the real recorder (lib/audit/record.ts:
 * hash chain, AES-GCM labels) spread over the past year, with a realistic mix
 * of sign-ins, failures with reasons, changes and many client addresses.
 * Prints one JSON line: the token, names to search for, and the seeding rate.
 *
 * Run: node --conditions=react-server --import tsx scripts/bench/seed-events.ts <events>
 * with DATA_DIR and ENCRYPTION_KEY set (a fresh directory).
 */
import type { NewEvent } from "@/lib/audit/new-event";
import { recordEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { closeDatabase, openDatabase } from "@/lib/db/database";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { createUser } from "@/lib/users/lifecycle";

const total = Number(process.argv[2] ?? 1_000_000);
const USERS = 200;
const BATCH = 5000;
const YEAR_MS = 365 * 86_400_000;
const FIRST = ["Ann", "Bob", "Carla", "Dev", "Eve", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena", "Milo", "Nia"];
const LAST = ["Smith", "Okafor", "Novak", "Tanaka", "Garcia", "Larsen", "Haddad", "Kowalski", "Mbeki", "Rossi"];
const REASONS = ["wrong_password", "wrong_password", "wrong_password", "unknown_email", "rate_limited", "locked", "blocked_user"];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "terraform-provider-latchkey/1.4.0",
  "curl/8.5.0",
];

/** A small deterministic PRNG, so two runs seed the same log. */
let state = 0x9e3779b9;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

/**
 * The log's time never runs backwards, so the owner and users must be created
 * "a year ago", before the year of events: the clock is set back while they are.
 */
const RealDate = Date;
let fakeNow: number | null = null;
class SeedDate extends RealDate {
  constructor(...args: ConstructorParameters<typeof Date> | []) {
    if (args.length === 0 && fakeNow !== null) super(fakeNow);
    else super(...(args as ConstructorParameters<typeof Date>));
  }
  static now(): number {
    return fakeNow ?? RealDate.now();
  }
}
globalThis.Date = SeedDate as DateConstructor;

async function main() {
  await openDatabase();
  const meta = { ip: "127.0.0.1", userAgent: "latchkey-bench" };
  const start = RealDate.now() - YEAR_MS;
  fakeNow = start - 86_400_000;
  const setup = await completeSetup(
    setupInputSchema.parse({
      email: "owner@bench.example",
      password: "bench owner passphrase",
      name: "Bench Owner",
      create_pat: true,
      pat_expire_in: 1,
    }),
    meta,
  );
  const setupToken = setup.personal_access_token!;
  const actor = await authenticateAccessToken(setupToken, new Date(fakeNow));
  if (!actor) throw new Error("seed: the setup token does not authenticate");
  const precomputed = await hashPassword("not used by the benchmark");
  const people: { id: string; label: string }[] = [];
  for (let i = 0; i < USERS; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    const { user } = await createUser(
      actor,
      { is_service_user: false, email: `user${i}@bench.example`, name, role: i % 20 === 0 ? "admin" : "user", auto_groups: [] },
      meta,
      async () => precomputed,
    );
    people.push({ id: user.id, label: name });
  }
  fakeNow = null;
  // The setup token expired with the fake clock; the benchmark gets a fresh one.
  const token = await writeSystem(
    async (tx) =>
      (await mintAccessToken(tx, { accountId: actor.accountId, userId: actor.userId, name: "bench", expiresInDays: 7, createdBy: actor.userId }))
        .plain,
  );
  const ips = Array.from({ length: 500 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.${(i * 7) % 250}`);

  const step = YEAR_MS / total;
  const began = performance.now();
  for (let done = 0; done < total; done += BATCH) {
    await writeSystem(async (tx) => {
      for (let i = done; i < Math.min(total, done + BATCH); i++) {
        const who = pick(people);
        const other = pick(people);
        const party = { type: "user" as const, id: who.id, label: who.label };
        const at = new Date(start + i * step);
        const base = { accountId: actor.accountId, meta: { ip: pick(ips), userAgent: pick(AGENTS) }, at };
        const roll = random();
        let event: NewEvent;
        if (roll < 0.55) event = { ...base, action: "user.login", actor: party, target: party };
        else if (roll < 0.7) {
          const reason = pick(REASONS);
          event =
            reason === "unknown_email"
              ? { ...base, action: "user.login.failed", actor: { type: "anonymous", id: null }, details: { reason } }
              : { ...base, action: "user.login.failed", actor: party, target: party, details: { reason } };
        } else if (roll < 0.8) event = { ...base, action: "user.logout", actor: party, target: party };
        else if (roll < 0.86) {
          event = {
            ...base,
            action: "user.updated",
            actor: party,
            target: { type: "user", id: other.id, label: other.label },
            details: { changed: ["name"] },
            privateDetails: { name: { from: other.label, to: other.label } },
          };
        } else if (roll < 0.9) event = { ...base, action: "user.role.changed", actor: party, target: { type: "user", id: other.id, label: other.label }, details: { role: { from: "user", to: "auditor" } } };
        else if (roll < 0.94) event = { ...base, action: "token.created", actor: party, target: { type: "token", id: `tok-${i % 2000}`, label: `ci-${i % 2000}` } };
        else if (roll < 0.97) event = { ...base, action: "user.password.changed", actor: party, target: party, details: { other_sessions_ended: 1 } };
        else event = { ...base, action: "group.created", actor: party, target: { type: "group", id: `grp-${i % 300}`, label: `Team ${i % 300}` } };
        await recordEvent(tx, event);
      }
    });
  }
  const seconds = (performance.now() - began) / 1000;
  const sample = people[7];
  console.log(
    JSON.stringify({
      token,
      ownerEmail: "owner@bench.example",
      ownerPassword: "bench owner passphrase",
      events: total,
      seedSeconds: Math.round(seconds),
      eventsPerSecond: Math.round(total / seconds),
      sampleUserId: sample.id,
      sampleUserName: sample.label,
      sampleIp: ips[42],
    }),
  );
  await closeDatabase();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
