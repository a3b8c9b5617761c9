// Name filters at real sizes: a search term or Actor/Target text that matches
// tens of thousands of users must still answer, exactly, with statements whose
// size does not grow with the number of matches (SQLite refuses more than
// 32,766 bound variables and expression trees deeper than 1,000).
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { users } from "@/lib/db/schema";
import { createAccount, createUser, META } from "@/test/factories";
import { sealName } from "@/lib/users/records";
import { eventFiltersSchema } from "./event-filters";
import { eachEvent, queryEvents } from "./events-query";
import { recordEvent } from "./record";

// Above SQLite's 32,766 bound variables (the actor filter's limit before); search failed from ~500.
const MATCHING = 34_000;
const OTHERS = 1_000;
const EVENTS = 600;

let accountId: string;
const matching: string[] = [];
const others: string[] = [];
/** What was written, to compare the queries with a brute-force filter. */
const written: { seq: number; actor: string; target: string | null; action: string }[] = [];

const filters = (input: Record<string, unknown>) => eventFiltersSchema.parse(input);

/** Users straight into the table in one transaction (the service would take minutes for 35,000). */
async function seedUsers(prefix: string, count: number, into: string[]): Promise<void> {
  await writeSystem(async (tx) => {
    // A few hundred rows per INSERT keeps each statement under both dialects' bound-value limits.
    for (let start = 0; start < count; start += 500) {
      const values = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
        const id = crypto.randomUUID();
        into.push(id);
        return { id, accountId, ...sealName(id, `${prefix} ${start + k}`), role: "user" as const, createdAt: new Date() };
      });
      await tx.insert(users).values(values);
    }
  });
}

beforeAll(async () => {
  accountId = await createAccount();
  const admin = await createUser(accountId, { role: "admin", name: "Ada Admin" });
  await seedUsers("Quinn Many", MATCHING, matching);
  await seedUsers("Other Person", OTHERS, others);
  const matchingIds = new Set(matching);
  const name = (id: string) => (matchingIds.has(id) ? "Quinn Many" : "Other Person");
  await writeSystem(async (tx) => {
    for (let i = 0; i < EVENTS; i++) {
      // Every third event's actor matches, every fifth event's target does.
      const actor = i % 3 === 0 ? matching[(i * 61) % MATCHING] : others[(i * 7) % OTHERS];
      const target = i % 5 === 0 ? matching[(i * 97) % MATCHING] : i % 2 === 0 ? others[(i * 13) % OTHERS] : null;
      const action = target ? "user.updated" : "user.login";
      await recordEvent(tx, {
        accountId,
        action,
        actor: { type: "user", id: actor, label: name(actor) },
        target: target ? { type: "user", id: target, label: name(target) } : undefined,
        meta: META,
      });
      written.push({ seq: i + 1, actor, target, action });
    }
  });
  // Admin's own event, to check nothing else leaks into the results.
  await writeSystem((tx) => recordEvent(tx, { accountId, action: "group.created", actor: { type: "user", id: admin.id, label: "Ada Admin" }, meta: META }));
}, 60_000);

const matchSet = () => new Set(matching);
const newestFirst = (seqs: number[]) => [...seqs].sort((a, b) => b - a);

// The first query decrypts the directory of 35,000 users once; on a busy shared machine that takes a while.
describe("name filters matching 34,000 users", { timeout: 60_000 }, () => {
  it("actor= finds exactly the events of the matching actors", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor)).map((e) => e.seq));
    const page = await queryEvents(accountId, filters({ actor: "quinn many", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    expect(page).toMatchObject({ total: expected.length, totalExact: true, hasOlder: false });
  });

  it("target= finds exactly the events with a matching target", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => e.target && set.has(e.target)).map((e) => e.seq));
    const page = await queryEvents(accountId, filters({ target: "QUINN", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it("search= finds events whose actor or target matches, paged and counted exactly", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor) || (e.target && set.has(e.target))).map((e) => e.seq));
    const first = await queryEvents(accountId, filters({ search: "quinn", limit: 50 }));
    expect(first.rows.map((r) => r.seq)).toEqual(expected.slice(0, 50));
    expect(first).toMatchObject({ total: expected.length, totalExact: true, hasOlder: true });
    const next = await queryEvents(accountId, filters({ search: "quinn", limit: 50, before: first.rows[49].seq }));
    expect(next.rows.map((r) => r.seq)).toEqual(expected.slice(50, 100));
  });

  it("search and actor together, with an action filter", async () => {
    const set = matchSet();
    const expected = newestFirst(
      written.filter((e) => set.has(e.actor) && e.action === "user.updated" && e.target && set.has(e.target)).map((e) => e.seq),
    );
    expect(expected.length).toBeGreaterThan(0);
    const page = await queryEvents(accountId, filters({ actor: "quinn", target: "many", action: "user.updated", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    const searched = await queryEvents(accountId, filters({ actor: "quinn", search: "quinn many", action: "user.updated", limit: 1000 }));
    expect(searched.rows.map((r) => r.seq)).toEqual(
      newestFirst(written.filter((e) => set.has(e.actor) && e.action === "user.updated").map((e) => e.seq)),
    );
  });

  it("the export walks every matching event", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor) || (e.target && set.has(e.target))).map((e) => e.seq));
    const batches: number[][] = [];
    for await (const batch of eachEvent(accountId, filters({ search: "quinn" }), 64)) batches.push(batch.map((r) => r.seq));
    const seqs = batches.flat();
    expect(seqs).toEqual(expected);
  });
});
