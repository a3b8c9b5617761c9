import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "@/test/scratch";
import { stageKeyFiles } from "./key-files";

const OLD_KEY = "b2xkIGtleSBvbGQga2V5IG9sZCBrZXkgb2xkIGtleSE=";

function dataDirWithKey(): string {
  const dir = scratchDir("latchkey-key-files-");
  fs.writeFileSync(path.join(dir, "encryption.key"), OLD_KEY + "\n", { mode: 0o600 });
  return dir;
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe("npm run rotate-key's key files (review 14)", () => {
  it("puts the new key in a file of its own only the owner reads, keeping the old one", () => {
    const dir = dataDirWithKey();
    expect(stageKeyFiles(dir)).toBe("staged");
    const current = path.join(dir, "encryption.key");
    expect(fs.readFileSync(current, "utf8").trim()).not.toBe(OLD_KEY);
    expect(modeOf(current)).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, "encryption.key.previous"), "utf8").trim()).toBe(OLD_KEY);
  });

  it("doesn't write the new key through a stale, readable encryption.key.new (its mode would be kept)", () => {
    const dir = dataDirWithKey();
    const stale = path.join(dir, "encryption.key.new");
    fs.writeFileSync(stale, "left over\n", { mode: 0o644 });
    fs.chmodSync(stale, 0o644);
    stageKeyFiles(dir);
    expect(modeOf(path.join(dir, "encryption.key"))).toBe(0o600);
  });

  it("doesn't follow an encryption.key.new planted as a link to another file", () => {
    const dir = dataDirWithKey();
    const elsewhere = path.join(scratchDir("latchkey-elsewhere-"), "collected");
    fs.writeFileSync(elsewhere, "", { mode: 0o666 });
    fs.symlinkSync(elsewhere, path.join(dir, "encryption.key.new"));
    stageKeyFiles(dir);
    // The key went to DATA_DIR's own file, not to the link's target; encryption.key is no link.
    expect(fs.readFileSync(elsewhere, "utf8")).toBe("");
    const current = path.join(dir, "encryption.key");
    expect(fs.lstatSync(current).isSymbolicLink()).toBe(false);
    expect(modeOf(current)).toBe(0o600);
  });
});
