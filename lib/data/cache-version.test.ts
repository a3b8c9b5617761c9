import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, type Db } from "@/lib/db/database";
import { meta } from "@/lib/db/schema";
import { allCacheVersions, bumpCacheVersion, cacheVersion, cacheVersionWatch, versionedCache } from "./cache-version";
import { writeSystem } from "./unit-of-work";

/** A "setting" kept in the meta table, and what loading it costs. */
function settingCache(name: string, key: string) {
  let loads = 0;
  const cache = versionedCache(name, async (q: Db) => {
    loads += 1;
    const [row] = await q.select().from(meta).where(eq(meta.key, key));
    return row?.value ?? null;
  });
  return { cache, loads: () => loads };
}

async function setSetting(name: string, key: string, value: string, options: { bump: boolean }): Promise<void> {
  await writeSystem(async (tx) => {
    await tx.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } });
    if (options.bump) await bumpCacheVersion(tx, name);
  });
}

describe("versioned caches", () => {
  it("reads every stored version in one query, each as cacheVersion reads it", async () => {
    await writeSystem(async (tx) => {
      await bumpCacheVersion(tx, "test-all-a");
      await bumpCacheVersion(tx, "test-all-a");
      await bumpCacheVersion(tx, "test-all-b");
    });
    const all = await allCacheVersions(db());
    expect(all.get("test-all-a")).toBe(2);
    expect(all.get("test-all-b")).toBe(1);
    expect(all.get("test-all-a")).toBe(await cacheVersion(db(), "test-all-a"));
    expect(all.has("test-all-never")).toBe(false);
  });

  it("serves a change made through one process's cache to another's on its next use", async () => {
    // Two processes, each with its own copy of the cache.
    const a = settingCache("test-setting", "setting-1");
    const b = settingCache("test-setting", "setting-1");
    await setSetting("test-setting", "setting-1", "blue", { bump: true });
    expect(await a.cache.get()).toBe("blue");
    expect(await b.cache.get()).toBe("blue");

    await setSetting("test-setting", "setting-1", "green", { bump: true });
    expect(await b.cache.get()).toBe("green");
    expect(await a.cache.get()).toBe("green");
  });

  it("answers from the cache while the version is unchanged (one load per version)", async () => {
    const a = settingCache("test-cached", "setting-2");
    await setSetting("test-cached", "setting-2", "one", { bump: true });
    expect(await Promise.all([a.cache.get(), a.cache.get()])).toEqual(["one", "one"]);
    expect(await a.cache.get()).toBe("one");
    expect(a.loads()).toBe(1);
    // A write that forgets to bump is not seen: the cache really is a cache.
    await setSetting("test-cached", "setting-2", "two", { bump: false });
    expect(await a.cache.get()).toBe("one");
    await setSetting("test-cached", "setting-2", "three", { bump: true });
    expect(await a.cache.get()).toBe("three");
    expect(a.loads()).toBe(2);
  });

  it("bumps nothing when the unit of work rolls back, and caches nothing read inside one", async () => {
    const a = settingCache("test-rollback", "setting-3");
    await setSetting("test-rollback", "setting-3", "kept", { bump: true });
    expect(await a.cache.get()).toBe("kept");
    const before = await cacheVersion(db(), "test-rollback");
    await expect(
      writeSystem(async (tx) => {
        await tx.update(meta).set({ value: "dropped" }).where(eq(meta.key, "setting-3"));
        await bumpCacheVersion(tx, "test-rollback");
        // Inside the unit of work the cache reads through tx: it sees the uncommitted value…
        expect(await a.cache.get(tx)).toBe("dropped");
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await cacheVersion(db(), "test-rollback")).toBe(before);
    // …but never keeps it.
    expect(await a.cache.get()).toBe("kept");
  });

  it("tells a self-managed cache when its version moved", async () => {
    const watch = cacheVersionWatch("test-watch");
    expect(await watch.changed()).toBe(true);
    expect(await watch.changed()).toBe(false);
    await writeSystem((tx) => bumpCacheVersion(tx, "test-watch"));
    expect(await watch.changed()).toBe(true);
    expect(await watch.changed()).toBe(false);
  });
});
