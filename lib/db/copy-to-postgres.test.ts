import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { startPasswordAskingServer } from "@/test/password-asking-server";
import { copyToPostgres, describeTarget, tablesInCopyOrder } from "./copy-to-postgres";
import * as sqliteSchema from "./schema.sqlite";

describe("tablesInCopyOrder", () => {
  it("copies every table of the schema once, each after the tables its foreign keys reference", () => {
    const order = tablesInCopyOrder().map((t) => t.name);
    const all = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
    expect([...order].sort()).toEqual(all.map((t) => getTableConfig(t).name).sort());
    for (const table of all) {
      const child = getTableConfig(table).name;
      for (const fk of getTableConfig(table).foreignKeys) {
        const parent = getTableConfig(fk.reference().foreignTable).name;
        if (parent !== child) expect(order.indexOf(parent), `${parent} before ${child}`).toBeLessThan(order.indexOf(child));
      }
    }
    expect(order.indexOf("accounts")).toBeLessThan(order.indexOf("users"));
    expect(order.indexOf("users")).toBeLessThan(order.indexOf("user_groups"));
    expect(order.indexOf("groups")).toBeLessThan(order.indexOf("user_groups"));
  });

  it("names the target without its password", () => {
    expect(describeTarget("postgres://latchkey:s3cret@db.internal:5432/latchkey")).toBe("PostgreSQL db.internal:5432/latchkey");
  });
});

describe("a target that asks for a password none was given for (r45)", () => {
  it("says where the password goes, not node-postgres's 'client password must be a string'", async () => {
    const server = await startPasswordAskingServer();
    const password = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      // The connection fails before the source is read.
      const copy = copyToPostgres(undefined as never, server.url, () => undefined);
      await expect(copy).rejects.toThrow(/asks for a password, and none was given: give it in PGPASSWORD/);
      await expect(copy).rejects.not.toThrow(/client password must be/);
    } finally {
      if (password !== undefined) process.env.PGPASSWORD = password;
      await server.close();
    }
  });
});
