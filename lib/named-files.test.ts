/**
 * Comments send the reader to other files ("the outbound guard (lib/security/outbound-guard.ts)"); when a file
 * moves, those pointers are what goes stale without any compiler noticing. Every file a source file of the app
 * names, from the root or relative to itself, exists. Tests are left out (they name made-up files on purpose).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.(tsx?|mjs)$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

const ROOTS = "lib|app|components|i18n|scripts|e2e|test|docs|drizzle";
const NAMED = new RegExp(`(?<![\\w@/.-])((?:\\.\\.?/)+[\\w./()\\[\\]-]+|(?:${ROOTS})/[\\w./()\\[\\]-]+?)\\.(tsx|ts|mjs|cjs|md)\\b`, "g");

describe("files named in the code", () => {
  it("exist", () => {
    const missing = ["lib", "app", "components", "i18n", "scripts"].flatMap(sources).flatMap((file) =>
      [...fs.readFileSync(path.join(root, file), "utf8").matchAll(NAMED)]
        .map(([named]) => ({ named, at: named.startsWith(".") ? path.join(path.dirname(file), named) : named }))
        .filter(({ at }) => !fs.existsSync(path.join(root, at)))
        .map(({ named }) => `${file} names ${named}`),
    );
    expect(missing).toEqual([]);
  });
});
