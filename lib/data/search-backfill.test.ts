import { and, asc, eq, gt, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, type Tx } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { searchTerms, users } from "@/lib/db/schema";
import { openIdentity } from "@/lib/users/records";
import { addPeople, bruteForce, newAccount, prng, randomPeople, search } from "@/test/search-fixtures";
import { planSearchBackfill, registerSearchSource, runSearchBackfill } from "./search-backfill";
import { scopeComplete, type SearchScope } from "./search-index";

describe("the start-up backfill", () => {
  const scope: SearchScope = "users";
  let failAfter = Infinity;
  registerSearchSource({
    scope,
    mode: "replace",
    async batch(tx: Tx, accountId: string, after: string, limit: number) {
      if (failAfter-- <= 0) throw new Error("the process stopped");
      const found = await tx
        .select()
        .from(users)
        .where(and(eq(users.accountId, accountId), gt(users.id, after)))
        .orderBy(asc(users.id))
        .limit(limit);
      const items = found.map((row) => {
        const { name, email } = openIdentity(row);
        return { entityId: row.id, fields: [name, email] };
      });
      return { items, next: items.length < limit ? null : items[items.length - 1].entityId };
    },
  });

  it("indexes accounts that existed before, resumes after a stop, and leaves new accounts alone", async () => {
    const old = await newAccount();
    await addPeople(old, randomPeople(57, prng(7)), { index: false });
    await planSearchBackfill();
    const fresh = await newAccount(); // created after the plan: indexed as it is written, never pending
    expect(await scopeComplete(db(), old, scope)).toBe(false);
    expect(await scopeComplete(db(), fresh, scope)).toBe(true);

    failAfter = 3; // three batches, then the "process" dies
    await expect(runSearchBackfill({ batchSize: 10 })).rejects.toThrow("the process stopped");
    expect(await scopeComplete(db(), old, scope)).toBe(false);
    const partly = await rows<{ n: number }>(db(), sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM search_entries e JOIN search_scopes s ON s.id = e.scope_id WHERE s.account_id = ${old}`);
    expect(partly[0].n).toBe(30);

    failAfter = Infinity;
    expect(await runSearchBackfill({ batchSize: 10 })).toBe(27);
    expect(await scopeComplete(db(), old, scope)).toBe(true);
    for (const query of ["an", "ann", "example.com", "jo", "mar", "zzz"]) {
      expect({ query, found: await search(old, query) }).toEqual({ query, found: await bruteForce(old, query) });
    }
    // Planned once per scope: a second start marks nothing again.
    await planSearchBackfill();
    expect(await scopeComplete(db(), old, scope)).toBe(true);
    expect(await db().select().from(searchTerms).limit(1)).toHaveLength(1);
  });
});
