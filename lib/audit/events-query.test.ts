// Name filters at real sizes: a search term or Actor/Target text that matches
// tens of thousands of users must still answer, exactly, with statements whose
// size does not grow with the number of matches (SQLite refuses more than
// 32,766 bound variables and expression trees deeper than 1,000).
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/client";
import { createAccount, createUser, META, sqlite } from "@/test/factories";
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
function seedUsers(prefix: string, count: number, into: string[]): void {
  const insert = sqlite().prepare(
    "INSERT INTO users (id, account_id, name_ciphertext, role, created_at) VALUES (?, ?, ?, 'user', ?)",
  );
  sqlite().transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = crypto.randomUUID();
      insert.run(id, accountId, sealName(id, `${prefix} ${i}`).nameCiphertext, Date.now());
      into.push(id);
    }
  })();
}

beforeAll(async () => {
  accountId = await createAccount();
  const admin = await createUser(accountId, { role: "admin", name: "Ada Admin" });
  seedUsers("Quinn Many", MATCHING, matching);
  seedUsers("Other Person", OTHERS, others);
  const matchingIds = new Set(matching);
  const name = (id: string) => (matchingIds.has(id) ? "Quinn Many" : "Other Person");
  writeTransaction((tx) => {
    for (let i = 0; i < EVENTS; i++) {
      // Every third event's actor matches, every fifth event's target does.
      const actor = i % 3 === 0 ? matching[(i * 61) % MATCHING] : others[(i * 7) % OTHERS];
      const target = i % 5 === 0 ? matching[(i * 97) % MATCHING] : i % 2 === 0 ? others[(i * 13) % OTHERS] : null;
      const action = target ? "user.updated" : "user.login";
      recordEvent(tx, {
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
  writeTransaction((tx) => recordEvent(tx, { accountId, action: "group.created", actor: { type: "user", id: admin.id, label: "Ada Admin" }, meta: META }));
}, 60_000);

const matchSet = () => new Set(matching);
const newestFirst = (seqs: number[]) => [...seqs].sort((a, b) => b - a);

// The first query decrypts the directory of 35,000 users once; on a busy shared machine that takes a while.
describe("name filters matching 34,000 users", { timeout: 60_000 }, () => {
  it("actor= finds exactly the events of the matching actors", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor)).map((e) => e.seq));
    const page = queryEvents(accountId, filters({ actor: "quinn many", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    expect(page).toMatchObject({ total: expected.length, totalExact: true, hasOlder: false });
  });

  it("target= finds exactly the events with a matching target", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => e.target && set.has(e.target)).map((e) => e.seq));
    const page = queryEvents(accountId, filters({ target: "QUINN", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it("search= finds events whose actor or target matches, paged and counted exactly", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor) || (e.target && set.has(e.target))).map((e) => e.seq));
    const first = queryEvents(accountId, filters({ search: "quinn", limit: 50 }));
    expect(first.rows.map((r) => r.seq)).toEqual(expected.slice(0, 50));
    expect(first).toMatchObject({ total: expected.length, totalExact: true, hasOlder: true });
    const next = queryEvents(accountId, filters({ search: "quinn", limit: 50, before: first.rows[49].seq }));
    expect(next.rows.map((r) => r.seq)).toEqual(expected.slice(50, 100));
  });

  it("search and actor together, with an action filter", async () => {
    const set = matchSet();
    const expected = newestFirst(
      written.filter((e) => set.has(e.actor) && e.action === "user.updated" && e.target && set.has(e.target)).map((e) => e.seq),
    );
    expect(expected.length).toBeGreaterThan(0);
    const page = queryEvents(accountId, filters({ actor: "quinn", target: "many", action: "user.updated", limit: 1000 }));
    expect(page.rows.map((r) => r.seq)).toEqual(expected);
    const searched = queryEvents(accountId, filters({ actor: "quinn", search: "quinn many", action: "user.updated", limit: 1000 }));
    expect(searched.rows.map((r) => r.seq)).toEqual(
      newestFirst(written.filter((e) => set.has(e.actor) && e.action === "user.updated").map((e) => e.seq)),
    );
  });

  it("the export walks every matching event", async () => {
    const set = matchSet();
    const expected = newestFirst(written.filter((e) => set.has(e.actor) || (e.target && set.has(e.target))).map((e) => e.seq));
    const seqs = [...eachEvent(accountId, filters({ search: "quinn" }), 64)].flat().map((r) => r.seq);
    expect(seqs).toEqual(expected);
  });
});
