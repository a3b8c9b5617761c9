/**
 * scripts/shared-chunks.mjs, as scripts/server.mjs installs it in production: a server chunk that
 * is a copy of one loaded before (same directory, same text but for the source map comment) is
 * answered with the first one's exports without being compiled again; anything else loads as it
 * always did. Run in a child process, so the loader hook never touches the test runner's own.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SHARED_CHUNKS = path.resolve(__dirname, "../../scripts/shared-chunks.mjs");

// In the child: installs the hook on <dir>/server, requires the files named on the command line
// (relative to that directory), and reports which got the same exports as an earlier one and how
// often each file's top level ran (globalThis.runs, counted by the files that have side effects).
const CHILD = `
const path = require("node:path");
const [dir, ...files] = process.argv.slice(1);
import(${JSON.stringify(SHARED_CHUNKS)}).then(({ shareServerChunks }) => {
  shareServerChunks(path.join(dir, "server"));
  globalThis.runs = 0;
  const exports = files.map((f) => require(path.join(dir, f)));
  const sameAs = exports.map((e) => exports.indexOf(e));
  console.log(JSON.stringify({ sameAs, runs: globalThis.runs, values: exports.map((e) => (Array.isArray(e) ? e[1]() : e)) }));
});
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function layout(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-chunks-"));
  dirs.push(dir);
  // As Next.js writes it into .next.
  fs.writeFileSync(path.join(dir, "package.json"), '{"type": "commonjs"}');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function load(dir: string, files: string[]): { sameAs: number[]; runs: number; values: unknown[] } {
  const out = execFileSync(process.execPath, ["-e", CHILD, dir, ...files], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1) as string);
}

const chunk = (body: string, name: string) => `module.exports=[1,()=>${body}];\n\n//# sourceMappingURL=${name}.map\n`;

describe("server chunks loaded once (scripts/shared-chunks.mjs)", () => {
  it("answers a copy with the first file's exports, and loads different texts each", () => {
    // Longer than the start the loader compares first.
    const shared = `${"x".repeat(5000)}shared – text`;
    const dir = layout({
      "server/chunks/a.js": chunk(JSON.stringify(shared), "a.js"),
      "server/chunks/b.js": chunk(JSON.stringify(shared), "b.js"),
      "server/chunks/c.js": chunk('"other"', "c.js"),
      "server/chunks/d.js": chunk(JSON.stringify(shared), "d.js"),
      // The same length and start, one character apart at the end.
      "server/chunks/e.js": chunk(JSON.stringify(`${shared.slice(0, -1)}T`), "e.js"),
    });
    const result = load(dir, ["server/chunks/a.js", "server/chunks/b.js", "server/chunks/c.js", "server/chunks/d.js", "server/chunks/e.js"]);
    expect(result.sameAs).toEqual([0, 0, 2, 0, 4]);
    expect(result.values).toEqual([shared, shared, "other", shared, `${shared.slice(0, -1)}T`]);
  });

  it("keeps copies in different directories apart (each resolves its own requires)", () => {
    const dir = layout({ "server/chunks/a.js": chunk("1", "a.js"), "server/chunks/ssr/a.js": chunk("1", "a.js") });
    expect(load(dir, ["server/chunks/a.js", "server/chunks/ssr/a.js"]).sameAs).toEqual([0, 1]);
  });

  it("runs every file that is more than a list of factories, and everything outside the server directory", () => {
    const effect = "globalThis.runs++;module.exports={n:globalThis.runs};\n";
    const dir = layout({
      "server/chunks/e.js": effect,
      "server/chunks/f.js": effect,
      "server/chunks/g.js": "module.exports=[1,()=>__filename];\n",
      "server/chunks/h.js": "module.exports=[1,()=>__filename];\n",
      "elsewhere/a.js": chunk("1", "a.js"),
      "elsewhere/b.js": chunk("1", "b.js"),
    });
    const result = load(dir, ["server/chunks/e.js", "server/chunks/f.js", "server/chunks/g.js", "server/chunks/h.js", "elsewhere/a.js", "elsewhere/b.js"]);
    expect(result.runs).toBe(2);
    expect(result.sameAs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.values.slice(2, 4)).toEqual([path.join(dir, "server/chunks/g.js"), path.join(dir, "server/chunks/h.js")]);
  });
});
