import fs from "node:fs";
import path from "node:path";
import { is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pg from "@/lib/db/schema.pg";
import * as sqlite from "@/lib/db/schema.sqlite";
import { ENCRYPTED_COLUMNS, ENCRYPTED_JSON_FIELDS, THROTTLE_INDEX_COLUMNS } from "./encrypted-columns";

/** Every table.column of a dialect's schema. */
function columnsOf(schema: Record<string, unknown>, dialect: "sqlite" | "pg"): string[] {
  const out: string[] = [];
  for (const value of Object.values(schema)) {
    if (dialect === "sqlite" && is(value, SQLiteTable)) {
      const config = sqliteTableConfig(value);
      for (const c of config.columns) out.push(`${config.name}.${c.name}`);
    }
    if (dialect === "pg" && is(value, PgTable)) {
      const config = pgTableConfig(value);
      for (const c of config.columns) out.push(`${config.name}.${c.name}`);
    }
  }
  return out;
}

const registered = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
const registeredIndexes = new Set([
  ...ENCRYPTED_COLUMNS.flatMap((c) => (c.indexes ?? []).map((i) => `${c.table}.${i.column}`)),
  ...THROTTLE_INDEX_COLUMNS.map((c) => `${c.table}.${c.column}`),
]);

describe.each([
  ["SQLite", columnsOf(sqlite, "sqlite")],
  ["PostgreSQL", columnsOf(pg, "pg")],
])("the registry of encrypted columns against the %s schema", (_name, columns) => {
  it("lists every *_ciphertext column (a new one must be registered, or a key rotation would leave it under the old key)", () => {
    const sealed = columns.filter((c) => c.endsWith("_ciphertext"));
    expect(sealed.length).toBeGreaterThan(10);
    expect(sealed.filter((c) => !registered.has(c))).toEqual([]);
  });

  it("lists every blind-index column (*_index) with how it is recomputed", () => {
    const indexes = columns.filter((c) => c.endsWith("_index"));
    expect(indexes.filter((c) => !registeredIndexes.has(c))).toEqual([]);
  });

  it("names only columns that exist, and the outbox payload", () => {
    expect([...registered, ...registeredIndexes].filter((c) => !columns.includes(c))).toEqual([]);
    expect(columns).toContain(`${ENCRYPTED_JSON_FIELDS.table}.${ENCRYPTED_JSON_FIELDS.column}`);
  });
});

describe("sealed values in the code", () => {
  /** lib/ source files (not tests) that seal something. */
  function sealingFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) out.push(...sealingFiles(full));
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && fs.readFileSync(full, "utf8").includes("encryptField(")) out.push(full);
    }
    return out;
  }

  it("every table a lib module seals into is in the registry (or is the key check, or the outbox's mail)", () => {
    const root = path.resolve(__dirname, "..");
    const known = new Set([...ENCRYPTED_COLUMNS.map((c) => c.aad.table), ENCRYPTED_JSON_FIELDS.table, "meta"]);
    const unknown: string[] = [];
    for (const file of sealingFiles(root)) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/table: "([a-z_]+)"/g)) if (!known.has(match[1])) unknown.push(`${path.relative(root, file)}: ${match[1]}`);
    }
    expect(unknown).toEqual([]);
  });
});
