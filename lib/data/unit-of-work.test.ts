import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { meta } from "@/lib/db/schema";
import { Unauthenticated } from "@/lib/errors";
import { emit, react } from "./effects";
import { afterCommit, write, writeSystem } from "./unit-of-work";

async function metaValue(key: string): Promise<string | undefined> {
  const [row] = await db().select().from(meta).where(eq(meta.key, key));
  return row?.value;
}

describe("unit of work", () => {
  it("commits what the callback wrote, and runs after-commit effects only then", async () => {
    const seen: Array<string | undefined> = [];
    await writeSystem(async (tx) => {
      await tx.insert(meta).values({ key: "uow-commit", value: "1" });
      afterCommit(tx, async () => {
        seen.push(await metaValue("uow-commit"));
      });
      // The reader sees committed data only: not this transaction's insert.
      seen.push(await metaValue("uow-commit"));
    });
    expect(seen).toEqual([undefined, "1"]);
  });

  it("rolls back everything, and skips the after-commit effects, when the callback throws", async () => {
    let ran = false;
    await expect(
      writeSystem(async (tx) => {
        await tx.insert(meta).values({ key: "uow-rollback", value: "1" });
        afterCommit(tx, () => {
          ran = true;
        });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await metaValue("uow-rollback")).toBeUndefined();
    expect(ran).toBe(false);
  });

  it("runs concurrent units one after another, so a read-then-write can't race", async () => {
    await writeSystem(async (tx) => {
      await tx.insert(meta).values({ key: "uow-counter", value: "0" });
    });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        writeSystem(async (tx) => {
          const [row] = await tx.select().from(meta).where(eq(meta.key, "uow-counter"));
          await new Promise((resolve) => setTimeout(resolve, 1)); // a real await between read and write
          await tx.update(meta).set({ value: String(Number(row.value) + 1) }).where(eq(meta.key, "uow-counter"));
        }),
      ),
    );
    expect(await metaValue("uow-counter")).toBe("20");
  });

  it("refuses a unit of work inside another (it would deadlock on the write lock)", async () => {
    await expect(writeSystem(async () => writeSystem(async () => 1))).rejects.toThrow(/inside a unit of work/);
  });

  it("re-reads the actor under the lock: an actor that no longer exists can't write", async () => {
    const ghost = { kind: "token" as const, accountId: "no-account", userId: "no-user", role: "owner" as const, tokenId: "t" };
    await expect(write(ghost, async () => 1)).rejects.toBeInstanceOf(Unauthenticated);
  });

  it("refuses writes through the reader", async () => {
    expect(() => db().run(sql`INSERT INTO meta (key, value) VALUES (${"uow-stray"}, ${"1"})`)).toThrow(/query/i);
    expect(await metaValue("uow-stray")).toBeUndefined();
  });

  it("emits an effect to its reactions in the same transaction, and refuses one nobody handles", async () => {
    react("user.deleted", "test-reaction", async (tx, payload) => {
      await tx.insert(meta).values({ key: `uow-reacted-${payload.userId}`, value: payload.accountId });
    });
    await writeSystem(async (tx) => emit(tx, "user.deleted", { accountId: "a", userId: "u1" }));
    expect(await metaValue("uow-reacted-u1")).toBe("a");
    const holder = globalThis as unknown as { latchkeyReactions?: Map<string, unknown> };
    holder.latchkeyReactions?.delete("user.deleted");
    await expect(writeSystem(async (tx) => emit(tx, "user.deleted", { accountId: "a", userId: "u2" }))).rejects.toThrow(/No reaction/);
  });
});
