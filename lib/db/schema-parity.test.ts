import { getTableName, is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pg from "./schema.pg";
import * as running from "./schema";
import * as sqlite from "./schema.sqlite";

/** A dialect-free description of a table: what lib/ code and the data in it depend on. */
type Shape = {
  columns: Record<string, { key: string; notNull: boolean; hasDefault: boolean; primary: boolean }>;
  primaryKey: string[];
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: string[];
};

function columnName(column: unknown): string {
  return (column as { name: string }).name;
}

function shapeOf(columns: Array<{ name: string; notNull: boolean; hasDefault: boolean; primary: boolean }>, keys: Record<string, unknown>, rest: {
  primaryKeys: Array<{ columns: Array<{ name: string }> }>;
  indexes: Array<{ config: { name?: string; columns: unknown[]; unique: boolean } }>;
  foreignKeys: Array<{ reference(): { columns: Array<{ name: string }>; foreignTable: object; foreignColumns: Array<{ name: string }> }; onDelete?: string }>;
}): Shape {
  const keyOf = new Map(Object.entries(keys).map(([key, column]) => [column, key]));
  return {
    columns: Object.fromEntries(
      columns.map((c) => [c.name, { key: keyOf.get(c) ?? "?", notNull: c.notNull, hasDefault: c.hasDefault, primary: c.primary }]),
    ),
    primaryKey: rest.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
    indexes: Object.fromEntries(
      rest.indexes.map((i) => [i.config.name ?? "?", { columns: i.config.columns.map(columnName), unique: i.config.unique }]),
    ),
    foreignKeys: rest.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        const target = getTableName(r.foreignTable as SQLiteTable);
        return `${r.columns.map((c) => c.name).join(",")} -> ${target}(${r.foreignColumns.map((c) => c.name).join(",")}) on delete ${fk.onDelete ?? "no action"}`;
      })
      .sort(),
  };
}

function sqliteTables(): Record<string, Shape> {
  return Object.fromEntries(
    (Object.values(sqlite) as unknown[])
      .filter((v): v is SQLiteTable => is(v, SQLiteTable))
      .map((t) => {
        const c = sqliteTableConfig(t);
        return [c.name, shapeOf(c.columns, t as unknown as Record<string, unknown>, c)];
      }),
  );
}

function pgTables(): Record<string, Shape> {
  return Object.fromEntries(
    (Object.values(pg) as unknown[])
      .filter((v): v is PgTable => is(v, PgTable))
      .map((t) => {
        const c = pgTableConfig(t);
        return [c.name, shapeOf(c.columns, t as unknown as Record<string, unknown>, c)];
      }),
  );
}

describe("the two schemas (lib/db/schema.sqlite.ts and its PostgreSQL mirror)", () => {
  it("have the same tables, columns, nullability, defaults, keys, indexes and foreign keys", () => {
    const expected = sqliteTables();
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(pgTables()).toEqual(expected);
  });

  it("export every table under the same name, and lib/db/schema.ts lists each of them", () => {
    const tableNames = (module: Record<string, unknown>, kind: typeof SQLiteTable | typeof PgTable) =>
      Object.entries(module)
        .filter(([, v]) => is(v, kind))
        .map(([k]) => k)
        .sort();
    const names = tableNames(sqlite, SQLiteTable);
    expect(tableNames(pg, PgTable)).toEqual(names);
    const listed = Object.entries(running)
      .filter(([, v]) => is(v, SQLiteTable) || is(v, PgTable))
      .map(([k]) => k)
      .sort();
    expect(listed).toEqual(names);
  });
});
