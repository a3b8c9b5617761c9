import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { firstRow, rows } from "@/lib/db/raw";
import { addPeople, bruteForce, newAccount, prng, randomPeople, search } from "@/test/search-fixtures";
import { acquireLease, leaseHolder, releaseLease } from "./lease";
import { addToEntity, candidateSet, countCandidates, findCandidates, indexEntity } from "./search-index";
import { MERGE_AT_POSTINGS, mergeRecentBatch, mergeRecentPostings, mergeSlice, nudgeSearchMerge, SEARCH_MERGE_LEASE, searchMergeIdle, searchMergePass } from "./search-merge";
import { writeSystem } from "./unit-of-work";

/** How many of the account's user entries have postings in each table, and how many have them in both (never). */
async function placement(accountId: string): Promise<{ main: number; recent: number; both: number }> {
  const entries = sql`SELECT e.id FROM search_entries e JOIN search_scopes s ON s.id = e.scope_id WHERE s.account_id = ${accountId}`;
  const count = async (query: ReturnType<typeof sql>) => Number((await firstRow<{ n: number | string }>(db(), query))?.n ?? 0);
  return {
    main: await count(sql`SELECT count(DISTINCT entry_id) AS "n" FROM search_terms WHERE entry_id IN (${entries})`),
    recent: await count(sql`SELECT count(DISTINCT entry_id) AS "n" FROM search_recent_terms WHERE entry_id IN (${entries})`),
    both: await count(
      sql`SELECT count(*) AS "n" FROM (SELECT entry_id FROM search_terms WHERE entry_id IN (${entries}) INTERSECT SELECT entry_id FROM search_recent_terms) AS b`,
    ),
  };
}

/** Every query's answer and count equal the brute-force ones. */
async function expectExact(accountId: string, queries: Iterable<string>): Promise<void> {
  for (const query of queries) {
    const expected = await bruteForce(accountId, query);
    expect({ query, found: await search(accountId, query) }).toEqual({ query, found: expected });
    const raw = await findCandidates(db(), { accountId, scope: "users", query });
    if (raw?.exact) {
      expect({ query, raw: [...raw.entityIds].sort() }).toEqual({ query, raw: expected });
      const set = await candidateSet(db(), { accountId, scope: "users", query });
      expect({ query, count: await countCandidates(db(), set!) }).toEqual({ query, count: expected.length });
    }
  }
}

/**
 * Merges everything now and waits, so the tests place entries themselves: a
 * pass also starts this process's count of pending postings over, so the few
 * written next start no merge of their own.
 */
async function mergeAll(): Promise<void> {
  await searchMergeIdle();
  nudgeSearchMerge();
  await searchMergeIdle();
}

describe("the search index's recent postings and their merge", () => {
  it("finds entities written just now (recent table), merged ones (main table) and a mix, exactly as brute force", async () => {
    const random = prng(20261202);
    const accountId = await newAccount();
    const first = randomPeople(30, random);
    await addPeople(accountId, first);
    await mergeAll();
    await addPeople(accountId, randomPeople(30, random));
    const mixed = await placement(accountId);
    // What this test is about: some entries in each table, none in both.
    expect(mixed.main).toBe(30);
    expect(mixed.recent).toBe(30);
    expect(mixed.both).toBe(0);
    const queries = new Set<string>(["a", "an", "ann", "zzz", "example", "@", "ß", "ss", "Ö", "ma"]);
    for (const p of first.slice(0, 15)) {
      queries.add(p.name.slice(0, 3));
      queries.add(p.email.slice(1, 6));
    }
    await expectExact(accountId, queries);
    // Merged: the same answers, from the main table alone.
    expect(await mergeRecentPostings()).toBeGreaterThanOrEqual(30);
    expect(await placement(accountId)).toEqual({ main: 60, recent: 0, both: 0 });
    await expectExact(accountId, queries);
  });

  it("re-indexes a merged entity into the recent table without leaving its old terms, and merges in batches", async () => {
    const accountId = await newAccount();
    const [zeb, other] = await addPeople(accountId, [
      { name: "Zebulon Quarry", email: "zq@example.com" },
      { name: "Other Person", email: "op@example.com" },
    ]);
    await mergeAll();
    expect(await placement(accountId)).toEqual({ main: 2, recent: 0, both: 0 });
    await writeSystem((tx) => indexEntity(tx, { accountId, scope: "users", entityId: zeb.id, fields: ["Xavier Quarry", "zq@example.com"] }));
    expect(await placement(accountId)).toEqual({ main: 1, recent: 1, both: 0 });
    expect(await search(accountId, "zebu")).toEqual([]);
    expect(await search(accountId, "zeb")).toEqual([]);
    expect(await search(accountId, "xav")).toEqual([zeb.id]);
    expect(await search(accountId, "quarry")).toEqual([zeb.id]);
    expect(await search(accountId, "example.com")).toEqual([zeb.id, other.id].sort());

    // One entry per batch: the oldest first, whole entries only.
    await writeSystem((tx) => indexEntity(tx, { accountId, scope: "users", entityId: other.id, fields: ["Other Person", "op@example.com"] }));
    expect(await placement(accountId)).toEqual({ main: 0, recent: 2, both: 0 });
    expect(await mergeRecentBatch(1)).toBe(1);
    expect(await placement(accountId)).toEqual({ main: 1, recent: 1, both: 0 });
    expect(await search(accountId, "example.com")).toEqual([zeb.id, other.id].sort());
    await mergeRecentPostings();
    expect(await search(accountId, "xav")).toEqual([zeb.id]);
    expect(await search(accountId, "zeb")).toEqual([]);
  });

  it("merges in slices of whole entries bounded by postings, and a backlog of several slices completely", async () => {
    await mergeAll();
    // Another replica holds the merge's lease meanwhile, so the merge these postings nudge (running
    // concurrently on PostgreSQL) leaves them alone; the slices below don't take the lease.
    const lease = { holder: "slicing-test-replica" };
    expect(await acquireLease(SEARCH_MERGE_LEASE.name, SEARCH_MERGE_LEASE.ttlMs, lease)).toBe(true);
    try {
      await slicing();
    } finally {
      await releaseLease(SEARCH_MERGE_LEASE.name, lease);
    }
  });

  async function slicing(): Promise<void> {
    const random = prng(11);
    const accountId = await newAccount();
    const people = randomPeople(40, random);
    await addPeople(accountId, people);
    const postingsOf = async () => {
      const counts = await rows<{ n: number | string }>(db(), sql`SELECT count(*) AS "n" FROM search_recent_terms GROUP BY entry_id ORDER BY entry_id LIMIT 2`);
      return counts.map((c) => Number(c.n));
    };
    // Past the first entry, no more postings than the bound: the first always goes (an entry is never split).
    expect(await mergeSlice(400, 1)).toEqual({ moved: 1, more: true });
    let [a, b] = await postingsOf();
    expect(await mergeSlice(400, a + b - 1)).toEqual({ moved: 1, more: true });
    [a, b] = await postingsOf();
    expect(await mergeSlice(400, a + b)).toEqual({ moved: 2, more: true });
    expect(await placement(accountId)).toEqual({ main: 4, recent: people.length - 4, both: 0 });
    // The rest, in slices of at most 200 postings (the server's are MERGE_SLICE_POSTINGS): all of it reaches the main table.
    const recentPostings = Number((await firstRow<{ n: number | string }>(db(), sql`SELECT count(*) AS "n" FROM search_recent_terms`))?.n ?? 0);
    expect(recentPostings).toBeGreaterThan(3 * 200);
    expect(await mergeRecentPostings(200)).toBe(people.length - 4);
    expect(await placement(accountId)).toEqual({ main: people.length, recent: 0, both: 0 });
    await expectExact(accountId, ["a", "an", "ann", "example", people[0].name.slice(0, 4), people[people.length - 1].email.slice(0, 5)]);
  }

  it("adds an activity party's new label to the table holding its others", async () => {
    const accountId = await newAccount();
    const ref = { accountId, scope: "parties" as const, entityId: "party-x" };
    const entryOf = sql`SELECT e.id FROM search_entries e JOIN search_scopes s ON s.id = e.scope_id WHERE s.account_id = ${accountId} AND e.entity_id = 'party-x'`;
    const tables = async () => ({
      main: (await rows(db(), sql`SELECT 1 FROM search_terms WHERE entry_id IN (${entryOf})`)).length,
      recent: (await rows(db(), sql`SELECT 1 FROM search_recent_terms WHERE entry_id IN (${entryOf})`)).length,
    });
    const find = async (query: string) => (await findCandidates(db(), { accountId, scope: "parties", query }))?.entityIds;
    await writeSystem((tx) => addToEntity(tx, { ...ref, fields: ["Alpha Label"] }));
    await writeSystem((tx) => addToEntity(tx, { ...ref, fields: ["Beta Label"] }));
    expect((await tables()).main).toBe(0);
    await mergeAll();
    await writeSystem((tx) => addToEntity(tx, { ...ref, fields: ["Gamma Label"] }));
    const after = await tables();
    expect(after.recent).toBe(0);
    for (const query of ["alp", "bet", "gam", "label"]) expect({ query, found: await find(query) }).toEqual({ query, found: ["party-x"] });
  });

  it("merges on one replica at a time, under a lease it gives back", async () => {
    await mergeAll();
    const accountId = await newAccount();
    await addPeople(accountId, [{ name: "Leased Person", email: "lp@example.com" }]);
    const now = new Date();
    expect(await acquireLease(SEARCH_MERGE_LEASE.name, SEARCH_MERGE_LEASE.ttlMs, { holder: "other-replica", now })).toBe(true);
    expect(await searchMergePass()).toEqual({ ran: false });
    expect((await placement(accountId)).recent).toBe(1);
    // The other replica's lease runs out: this one merges, then gives the lease back.
    expect(await acquireLease(SEARCH_MERGE_LEASE.name, SEARCH_MERGE_LEASE.ttlMs, { holder: "other-replica", now: new Date(now.getTime() - 2 * SEARCH_MERGE_LEASE.ttlMs) })).toBe(true);
    const pass = await searchMergePass();
    expect(pass.ran).toBe(true);
    expect(await placement(accountId)).toEqual({ main: 1, recent: 0, both: 0 });
    expect(await leaseHolder(SEARCH_MERGE_LEASE.name)).toBeUndefined();
    expect(await search(accountId, "leased")).toHaveLength(1);
  });

  it("starts a merge by itself once enough postings have gathered", async () => {
    await mergeAll();
    const accountId = await newAccount();
    const random = prng(7);
    // Each person has tens of terms: a few commits of people pass the threshold, none is merged before.
    let commits = 0;
    while ((await placement(accountId)).main === 0 && commits < 12) {
      await addPeople(accountId, randomPeople(Math.ceil(MERGE_AT_POSTINGS / 100), random));
      commits += 1;
      await searchMergeIdle();
    }
    expect(commits).toBeGreaterThan(1);
    expect((await placement(accountId)).main).toBeGreaterThan(0);
    expect((await placement(accountId)).both).toBe(0);
  });
});
