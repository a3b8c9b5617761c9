/**
 * Seeding for name search at real sizes (issue 10): an owner (and access
 * token) set up through the real service, then N users of whom M have a name
 * containing "Quinn" (the search term) and the rest "Other", then E activity
 * events written through the real recorder (hash chain, AES-GCM labels) whose
 * actors and targets are spread evenly over all users.
 *
 * The users go straight into the table (sealed name and email, blind index,
 * as lib/users/records.ts writes them; no password), because creating 100,000
 * through the service with its own activity events takes minutes and is
 * measured elsewhere (users-100k). Run it before the server reads the account,
 * or on a running server that has not read it yet (its caches load lazily).
 *
 * Run: node --conditions=react-server --import tsx scripts/bench/seed-search.ts <users> <matching> <events>
 * with DATA_DIR and ENCRYPTION_KEY set. Prints one JSON line: token, owner, term, counts.
 */
import crypto from "node:crypto";
import type { NewEvent } from "@/lib/audit/new-event";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { closeDatabase, openDatabase } from "@/lib/db/database";
import { searchMergeIdle } from "@/lib/data/search-merge";
import { cleanStoredNames } from "@/lib/users/name-cleanup";
import { users as usersTable } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { sealEmail, sealName } from "@/lib/users/records";

const users = Number(process.argv[2] ?? 100_000);
const matching = Number(process.argv[3] ?? 10_000);
const events = Number(process.argv[4] ?? 1_000_000);
const TERM = "quinn";
const BATCH = 5000;
const OWNER = { email: "owner@bench.example", password: "bench owner passphrase", name: "Bench Owner" };

/** A small deterministic PRNG, so two runs seed the same log. */
let state = 0x2545f491;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

async function main() {
  if (!(users >= matching && matching >= 0 && events >= 0)) throw new Error("usage: seed-search.ts <users> <matching ≤ users> <events>");
  await openDatabase();
  const meta = { ip: "127.0.0.1", userAgent: "latchkey-bench" };
  const owner = await completeSetup(setupInputSchema.parse({ ...OWNER, create_pat: true, pat_expire_in: 7 }), meta);
  const accountId = owner.account_id;
  const began = performance.now();

  // Every tenth user matches when matching = users / 10, so matches are spread through the table.
  const stride = matching > 0 ? users / matching : Infinity;
  const ids: string[] = [];
  const labels: string[] = [];
  let matched = 0;
  // A few hundred rows per INSERT keeps each statement well under both dialects' bound-value limits.
  const ROWS_PER_INSERT = 500;
  for (let done = 0; done < users; done += BATCH) {
    await writeSystem(async (tx) => {
      let values: (typeof usersTable.$inferInsert)[] = [];
      for (let i = done; i < Math.min(users, done + BATCH); i++) {
        const id = crypto.randomUUID();
        const isMatch = matched < matching && i >= Math.round(matched * stride);
        if (isMatch) matched++;
        const name = isMatch ? `Quinn Searchable ${i}` : `Other Person ${i}`;
        const email = sealEmail(id, `person${i}@bench.example`, null);
        values.push({ id, accountId, ...email, ...sealName(id, name), role: "user", createdAt: new Date() });
        ids.push(id);
        labels.push(name);
        if (values.length === ROWS_PER_INSERT) {
          await tx.insert(usersTable).values(values);
          values = [];
        }
      }
      if (values.length > 0) await tx.insert(usersTable).values(values);
    });
  }
  const usersSeconds = (performance.now() - began) / 1000;

  const eventsBegan = performance.now();
  for (let done = 0; done < events; done += BATCH) {
    await writeSystem(async (tx) => {
      for (let i = done; i < Math.min(events, done + BATCH); i++) {
        const a = Math.floor(random() * users);
        const t = Math.floor(random() * users);
        const party = (n: number) => ({ type: "user" as const, id: ids[n], label: labels[n] });
        const event: NewEvent =
          random() < 0.7
            ? { accountId, action: "user.login", actor: party(a), target: party(a), meta }
            : { accountId, action: "user.updated", actor: party(a), target: party(t), details: { changed: ["role"] }, meta };
        await recordEvent(tx, event);
      }
    });
  }
  const eventsSeconds = (performance.now() - eventsBegan) / 1000;
  console.log(
    JSON.stringify({
      token: owner.personal_access_token,
      ownerEmail: OWNER.email,
      ownerPassword: OWNER.password,
      term: TERM,
      users,
      matching: matched,
      events,
      usersSeconds,
      eventsSeconds,
      eventsPerSecond: events > 0 ? events / eventsSeconds : 0,
    }),
  );
  // A merge of the search index's recent postings this run started finishes before the database closes.
  await searchMergeIdle();
  // As an instance's first maintenance pass would have (scripts/bench/seed-users.ts says why).
  await cleanStoredNames();
  await closeDatabase();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
