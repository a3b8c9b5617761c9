import path from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDatabaseOn } from "@/scripts/test-support/postgres.mjs";
import { onPostgres } from "@/test/test-database";
import { scratchDir } from "@/test/scratch";

/*
 * db:copy and a restore into PostgreSQL both go through copyToPostgres. A copy
 * that fails part-way (here: a value PostgreSQL refuses, in a table copied
 * after others) must leave no rows on the target: a half-copied database would
 * start as an instance missing data, and a rerun would be refused as "not empty".
 */
describe.runIf(onPostgres)("copyToPostgres", () => {
  it("leaves the target without rows when a table fails part-way, so a rerun copies everything", async () => {
    const { copyToPostgres } = await import("./copy-to-postgres");
    const { SQLITE_MIGRATIONS } = await import("./sqlite");
    const schema = await import("./schema.sqlite");

    const file = path.join(scratchDir("latchkey-copy-"), "source.db");
    const sqlite = new Database(file);
    const source = drizzle(sqlite, { schema });
    migrate(source, { migrationsFolder: SQLITE_MIGRATIONS });
    await source.insert(schema.accounts).values({ id: "acct-copy-1", createdAt: new Date() });
    // accounts is copied first, meta later; PostgreSQL refuses a NUL in text.
    await source.insert(schema.meta).values({ key: "copy_test", value: "bad\u0000value" });

    const target = await createDatabaseOn(inject("postgresServerUrl"), "copy");
    await expect(copyToPostgres(source, target, () => undefined)).rejects.toThrow();

    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      const present = await client.query<{ present: boolean }>("SELECT to_regclass('public.accounts') IS NOT NULL AS present");
      if (present.rows[0].present) expect((await client.query("SELECT 1 FROM accounts")).rowCount).toBe(0);
    } finally {
      await client.end();
    }

    await source.update(schema.meta).set({ value: "good value" }).where(eq(schema.meta.key, "copy_test"));
    const copied = await copyToPostgres(source, target, () => undefined);
    expect(copied.find((t) => t.name === "accounts")?.rows).toBe(1);
    expect(copied.find((t) => t.name === "meta")?.rows).toBe(1);
    sqlite.close();
  });
});
