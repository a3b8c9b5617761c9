import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { newDataDir, restartWith } from "@/test/fresh-instance";
import { scratchDir } from "@/test/scratch";
import { onSqlite } from "@/test/test-database";

const ORIGINAL_KEY = process.env.ENCRYPTION_KEY!;

/** A data directory every user of the machine may write to (as after `chmod 777`, or a volume mounted so). */
function worldWritableDir(): string {
  const dir = scratchDir("latchkey-open-");
  fs.chmodSync(dir, 0o777);
  return dir;
}

describe("a DATA_DIR every user may write to (review 14)", () => {
  it("is refused, followed through a link, while a private or group-writable one is used", async () => {
    const { ensurePrivateDataDir, UnsafeDataDirError } = await import("./data-dir");
    const open = worldWritableDir();
    expect(() => ensurePrivateDataDir(open)).toThrow(UnsafeDataDirError);
    expect(() => ensurePrivateDataDir(open)).toThrow(/writable by every user of this machine \(mode 0777\).*chmod 700/);
    const sticky = worldWritableDir();
    fs.chmodSync(sticky, 0o1777);
    expect(() => ensurePrivateDataDir(sticky)).toThrow(UnsafeDataDirError);
    const link = path.join(scratchDir("latchkey-link-"), "data");
    fs.symlinkSync(open, link);
    expect(() => ensurePrivateDataDir(link)).toThrow(UnsafeDataDirError);

    const group = scratchDir("latchkey-group-");
    fs.chmodSync(group, 0o2775);
    expect(() => ensurePrivateDataDir(group)).not.toThrow();
    const made = path.join(scratchDir("latchkey-parent-"), "new", "data");
    ensurePrivateDataDir(made);
    expect(fs.statSync(made).mode & 0o777).toBe(0o700);
  });

  it.runIf(onSqlite)("stops the start before a key is generated into it or a database opened", async () => {
    const dir = worldWritableDir();
    await restartWith({ DATA_DIR: dir, ENCRYPTION_KEY: "" });
    const { openDatabase } = await import("@/lib/db/database");
    await expect(openDatabase()).rejects.toThrow(/writable by every user/);
    expect(fs.readdirSync(dir)).toEqual([]);
    // With the key in the environment, the database in it is refused the same way.
    await restartWith({ DATA_DIR: dir, ENCRYPTION_KEY: ORIGINAL_KEY });
    const again = await import("@/lib/db/database");
    await expect(again.openDatabase()).rejects.toThrow(/writable by every user/);
    expect(fs.readdirSync(dir)).toEqual([]);
    await restartWith({ DATA_DIR: newDataDir(), ENCRYPTION_KEY: ORIGINAL_KEY });
  });
});
