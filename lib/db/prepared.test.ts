/**
 * The one prepare-once mechanism (./prepared.ts): a statement is built once
 * per Drizzle database object (and key), kept while that object lives, built
 * again for another one (a reopened database, another pooled connection's tx);
 * and a kept statement runs with new values each time, on either dialect.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect, type Tx } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { accounts } from "@/lib/db/schema";
import { literalLimit, perDatabase, perTransaction, perTransactionBy, perTransactionSql, type PreparedRows } from "./prepared";

describe("statements kept per database", () => {
  it("builds once per database object and key, again for another object", () => {
    const built: Array<[object, string]> = [];
    const byKey = perTransactionBy((tx, key: string) => (built.push([tx, key]), { key }));
    const one = {} as Tx;
    const two = {} as Tx;
    expect(byKey(one, "a")).toBe(byKey(one, "a"));
    expect(byKey(one, "b")).not.toBe(byKey(one, "a"));
    expect(byKey(two, "a")).not.toBe(byKey(one, "a"));
    expect(built).toEqual([
      [one, "a"],
      [one, "b"],
      [two, "a"],
    ]);
    let n = 0;
    const plain = perTransaction(() => ++n);
    expect([plain(one), plain(one), plain(two), plain(two)]).toEqual([1, 1, 2, 2]);
    // A build that makes nothing (e.g. a SQLite-only statement on PostgreSQL) is kept too.
    let nulls = 0;
    const none = perTransaction(() => (nulls++, null));
    expect([none(one), none(one)]).toEqual([null, null]);
    expect(nulls).toBe(1);
  });

  it("runs a kept statement with new values, on db() and inside a unit of work", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    await writeSystem(async (tx) => {
      for (const id of ids) await tx.insert(accounts).values({ id });
    });
    let builds = 0;
    const build = (d: Tx) => {
      builds++;
      return d
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, sql.placeholder("id")))
        .limit(literalLimit(1))
        .prepare() as unknown as PreparedRows<{ id: string }>;
    };
    const onDb = perDatabase(build);
    for (const id of ids) expect(await onDb().execute({ id })).toEqual([{ id }]);
    expect(await onDb().execute({ id: "none" })).toEqual([]);
    expect(builds).toBe(1);
    const inTx = perTransaction(build);
    await writeSystem(async (tx) => {
      for (const id of ids) expect(await inTx(tx).execute({ id })).toEqual([{ id }]);
    });
    await writeSystem(async (tx) => {
      expect(await inTx(tx).execute({ id: ids[1] })).toEqual([{ id: ids[1] }]);
    });
    expect(builds).toBeGreaterThanOrEqual(2);
  });

  it("on PostgreSQL names a kept statement, so each connection parses and plans it once", async () => {
    if (dialect() !== "postgres") return;
    // Statements built together (an object of them, as lib/users/list-statements.ts keeps) are named too.
    const inTx = perTransaction((d: Tx) => ({
      byId: {
        two: d
          .select({ id: accounts.id })
          .from(accounts)
          .where(eq(accounts.id, sql.placeholder("id")))
          .limit(literalLimit(2))
          .prepare() as unknown as PreparedRows<{ id: string }>,
      },
    }));
    const names = await writeSystem(async (tx) => {
      await inTx(tx).byId.two.execute({ id: "a" });
      await inTx(tx).byId.two.execute({ id: "b" });
      // The connection's own prepared statements: the kept one is there once, under its digest name.
      return rows<{ name: string; text: string }>(tx, sql`SELECT name, statement AS text FROM pg_prepared_statements WHERE statement LIKE '%limit 2%' AND statement LIKE '%"accounts"%'`);
    });
    expect(names).toHaveLength(1);
    expect(names[0].name).toMatch(/^lk_[0-9a-f]{28}$/);
  });

  it("keeps a hand-written statement (perTransactionSql): rows with new values each run, named once per connection on PostgreSQL", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const insert = perTransactionSql<{ id: string }>(`INSERT INTO accounts (id) SELECT CAST($1 AS TEXT) WHERE CAST($2 AS TEXT) = 'yes' RETURNING id`);
    const found = await writeSystem(async (tx) => [
      await insert(tx).rows([ids[0], "yes"]),
      await insert(tx).rows([ids[1], "no"]),
      dialect() === "postgres"
        ? (await rows<{ name: string }>(tx, sql`SELECT name FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO accounts (id) SELECT CAST($1%'`)).map((r) => r.name)
        : [],
    ]);
    expect(found.slice(0, 2)).toEqual([[{ id: ids[0] }], []]);
    if (dialect() === "postgres") expect(found[2]).toEqual([expect.stringMatching(/^lk_[0-9a-f]{28}$/)]);
    expect(await rows<{ id: string }>(db(), sql`SELECT id FROM accounts WHERE id IN (${ids[0]}, ${ids[1]})`)).toEqual([{ id: ids[0] }]);
    // Parameters out of order or repeated would bind differently on the two dialects: refused when written.
    expect(() => perTransactionSql("SELECT $2, $1")).toThrow(/each once, in order/);
    expect(() => perTransactionSql("SELECT $1, $1")).toThrow(/each once, in order/);
  });
});
