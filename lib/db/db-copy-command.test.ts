import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "@/test/scratch";

/** `npm run db:copy -- …args` in its own process, on an empty DATA_DIR (nothing is copied). */
function dbCopy(args: string[], env: Record<string, string> = {}) {
  const script = path.join(process.cwd(), "scripts/db-copy.ts");
  const run = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...args], {
    env: { ...process.env, DATA_DIR: scratchDir("latchkey-db-copy-"), DATABASE_URL: "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe("npm run db:copy's target password (review 14)", () => {
  it("refuses a password written in --to, where every user of the machine reads it in the process list, and says how to give it", () => {
    const run = dbCopy(["--to", "postgres://latchkey:s3cret-in-argv@127.0.0.1:1/latchkey"]);
    expect(run.code).toBe(2);
    expect(run.out).toMatch(/PGPASSWORD/);
    expect(run.out).not.toContain("s3cret-in-argv");
  });

  it("takes the target without its password, the password from PGPASSWORD", () => {
    const run = dbCopy(["--to=postgres://latchkey@127.0.0.1:1/latchkey"], { PGPASSWORD: "s3cret-in-env" });
    // On to the next check: this DATA_DIR holds no instance to copy.
    expect(run.out).toMatch(/No Latchkey database in/);
    expect(run.out).not.toMatch(/PGPASSWORD/);
  });
});
