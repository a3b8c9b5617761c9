import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { onSqlite } from "@/test/test-database";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, engine } from "./database";
import { onIdleWriter } from "./idle-writer-read";
import { literalLimit } from "./prepared";
import { meta } from "./schema";

describe.runIf(onSqlite)("committed reads on the idle SQLite writer", () => {
  const read = () => {
    const pick = onIdleWriter(({ native }) => native.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"));
    if (!pick) throw new Error("SQLite only");
    return (key: string) => pick().get(key)?.value ?? null;
  };

  it("runs on the writer while no transaction is open, and never sees a transaction's uncommitted writes", async () => {
    const valueOf = read();
    const native = engine().native;
    if (native.kind !== "sqlite") throw new Error("SQLite only");
    await writeSystem(async (tx) => {
      await tx.insert(meta).values({ key: "idle-writer", value: "first" });
    });
    expect(valueOf("idle-writer")).toBe("first");

    let seenInside: string | null = "not read";
    await writeSystem(async (tx) => {
      await tx.update(meta).set({ value: "second" }).where(eq(meta.key, "idle-writer"));
      // Another request reading while this unit of work is open: the reader answers, with committed data.
      expect(native.writer.inTransaction).toBe(true);
      seenInside = valueOf("idle-writer");
    });
    expect(seenInside).toBe("first");
    expect(valueOf("idle-writer")).toBe("second");

    // A rolled-back change is never seen.
    await expect(
      writeSystem(async (tx) => {
        await tx.update(meta).set({ value: "third" }).where(eq(meta.key, "idle-writer"));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(valueOf("idle-writer")).toBe("second");
  });
});

describe("literalLimit", () => {
  it("writes the limit into the SQL instead of binding it, with the same rows", async () => {
    const query = db()
      .select({ key: meta.key })
      .from(meta)
      .where(sql`1 = 1`)
      .limit(literalLimit(1));
    const { sql: text, params } = query.toSQL();
    expect(text).toMatch(/limit 1$/);
    expect(params).toEqual([]);
    expect((await query).length).toBeLessThanOrEqual(1);
    expect(() => literalLimit(-1)).toThrow();
    expect(() => literalLimit(1.5)).toThrow();
  });
});
