import { eq, sql } from "drizzle-orm";
import { writeSystem } from "./unit-of-work";
import { describe, expect, it } from "vitest";
import { db, type Tx } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { searchTerms, users } from "@/lib/db/schema";
import { addPeople, bruteForce, newAccount, prng, randomPeople, search } from "@/test/search-fixtures";
import { planSearchBackfill, registerSearchSource, runSearchBackfill } from "./search-backfill";
import { usersSearchSource } from "@/lib/users/search-source";
import { scopeComplete, type SearchScope } from "./search-index";

describe("the start-up backfill", () => {
  const scope: SearchScope = "users";
  let failAfter = Infinity;
  registerSearchSource({
    scope,
    mode: "replace",
    unindexedAccounts: usersSearchSource.unindexedAccounts,
    prune: usersSearchSource.prune,
    // The users source's own batches, with a crash injected after a number of them.
    async batch(tx: Tx, accountId: string, after: string, limit: number) {
      if (failAfter-- <= 0) throw new Error("the process stopped");
      return usersSearchSource.batch(tx, accountId, after, limit);
    },
  });

  it("indexes accounts written without the index, resumes after a stop, and leaves indexed accounts alone", async () => {
    const old = await newAccount();
    await addPeople(old, randomPeople(57, prng(7)), { index: false });
    const fresh = await newAccount();
    await addPeople(fresh, randomPeople(5, prng(8)));
    const empty = await newAccount();
    expect(await planSearchBackfill()).toBe(1);
    expect(await scopeComplete(db(), old, scope)).toBe(false);
    expect(await scopeComplete(db(), fresh, scope)).toBe(true);
    expect(await scopeComplete(db(), empty, scope)).toBe(true);

    failAfter = 3; // three batches, then the "process" dies
    await expect(runSearchBackfill({ batchSize: 10 })).rejects.toThrow("the process stopped");
    expect(await scopeComplete(db(), old, scope)).toBe(false);
    const entriesOf = async (accountId: string) =>
      (await rows<{ n: number }>(db(), sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM search_entries e JOIN search_scopes s ON s.id = e.scope_id WHERE s.account_id = ${accountId}`))[0].n;
    expect(await entriesOf(old)).toBe(30);

    // The next start plans again and keeps the cursor: the rest, not everything.
    failAfter = Infinity;
    await planSearchBackfill();
    expect(await runSearchBackfill({ batchSize: 10 })).toBe(27);
    expect(await scopeComplete(db(), old, scope)).toBe(true);
    for (const query of ["an", "ann", "example.com", "jo", "mar", "zzz"]) {
      expect({ query, found: await search(old, query) }).toEqual({ query, found: await bruteForce(old, query) });
    }
    expect(await planSearchBackfill()).toBe(0);
    expect(await db().select().from(searchTerms).limit(1)).toHaveLength(1);
  });

  it("repairs an account that drifted: a user written without the index, an entry left by a removed user", async () => {
    const accountId = await newAccount();
    const [kept, removed] = await addPeople(accountId, [
      { name: "Kept Person", email: "kept@example.com" },
      { name: "Removed Person", email: "removed@example.com" },
    ]);
    const [unindexed, another] = await addPeople(
      accountId,
      [
        { name: "Written By A Script", email: "script@example.com" },
        { name: "Also By A Script", email: "script2@example.com" },
      ],
      { index: false },
    );
    await writeSystem((tx) => tx.delete(users).where(eq(users.id, removed.id))); // and not unindexed
    expect(await planSearchBackfill()).toBe(1);
    await runSearchBackfill();
    expect(await search(accountId, "person")).toEqual([kept.id]);
    expect(await search(accountId, "script")).toEqual([unindexed.id, another.id].sort());
    const left = await rows<{ entity_id: string }>(db(), sql`SELECT entity_id FROM search_entries WHERE entity_id = ${removed.id}`);
    expect(left).toEqual([]);
    expect(await planSearchBackfill()).toBe(0);
  });
});
