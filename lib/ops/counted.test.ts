import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { counted } from "./counted";

describe("a count in a command's output", () => {
  it("says the noun in the number's form", () => {
    expect(counted(1, "session")).toBe("1 session");
    expect(counted(0, "session")).toBe("0 sessions");
    expect(counted(3, "access token")).toBe("3 access tokens");
    expect(counted(2, "person", "people")).toBe("2 people");
  });

  it("no command writes \"session(s)\": each count goes through counted (review 39)", () => {
    // recover-owner said "1 access token(s)", users "3 username(s)", rotate-key "1 account(s)". The operators'
    // commands: scripts/*.ts (npm run users, recover-owner, backup, restore, rotate-key …) and lib/ops.
    const root = path.resolve(__dirname, "..", "..");
    const sources = [
      ...fs.readdirSync(path.join(root, "scripts")).filter((f) => f.endsWith(".ts")).map((f) => path.join("scripts", f)),
      ...fs.readdirSync(path.join(root, "lib", "ops")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => path.join("lib", "ops", f)),
    ];
    const slips = sources.flatMap((file) =>
      fs
        .readFileSync(path.join(root, file), "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /[a-z]\((s|es)\)(?=[ ,;:`"'])/.test(line) && !/^\s*(\/\/|\*)/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(slips).toEqual([]);
  });
});
