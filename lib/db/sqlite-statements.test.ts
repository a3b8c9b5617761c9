import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "./sqlite";

const things = sqliteTable("things", { id: integer("id").primaryKey(), name: text("name").notNull() });

function open() {
  const native = new Database(":memory:");
  native.exec("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  native.exec("INSERT INTO things (id, name) VALUES (1, 'one'), (2, 'two')");
  let prepared = 0;
  const prepare = native.prepare.bind(native);
  native.prepare = ((source: string) => {
    prepared += 1;
    return prepare(source);
  }) as typeof native.prepare;
  return { native, db: drizzle(withStatementCache(native)), prepared: () => prepared };
}

describe("the SQLite connection Drizzle uses keeps its prepared statements", () => {
  it("compiles a query's SQL once, and gives the same answers every time", async () => {
    const { db, prepared } = open();
    const query = () => db.select().from(things).where(sql`${things.id} = ${1}`);
    for (let i = 0; i < 5; i++) expect(await query()).toEqual([{ id: 1, name: "one" }]);
    expect(prepared()).toBe(1);
    // Parameters are bound per run, not kept with the statement.
    expect(await db.select().from(things).where(sql`${things.id} = ${2}`)).toEqual([{ id: 2, name: "two" }]);
    expect(prepared()).toBe(1);
  });

  it("hands a kept statement back in object mode after Drizzle used it for arrays", async () => {
    const { db } = open();
    const text = sql`SELECT id, name FROM things ORDER BY id`;
    expect(db.values(text)).toEqual([[1, "one"], [2, "two"]]);
    expect(db.all(text)).toEqual([{ id: 1, name: "one" }, { id: 2, name: "two" }]);
  });

  it("sees writes and schema changes made after the statement was kept", async () => {
    const { db, native } = open();
    const count = () => db.select({ n: sql<number>`count(*)` }).from(things);
    expect(await count()).toEqual([{ n: 2 }]);
    await db.insert(things).values({ id: 3, name: "three" });
    await db.insert(things).values({ id: 4, name: "four" });
    expect(await count()).toEqual([{ n: 4 }]);
    native.exec("ALTER TABLE things ADD COLUMN extra TEXT");
    expect(await count()).toEqual([{ n: 4 }]);
  });

  it("doesn't share a statement that is still iterating", () => {
    const { db } = open();
    const text = sql`SELECT id FROM things ORDER BY id`;
    const seen: unknown[] = [];
    for (const row of db.$client.prepare("SELECT id FROM things ORDER BY id").iterate()) seen.push(row, db.all(text));
    expect(seen).toHaveLength(4);
  });
});
