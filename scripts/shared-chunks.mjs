// One copy of each of the production build's server chunks in memory, however many routes load it.
//
// Turbopack's server output gives every route its own copies of the shared chunks: files in
// .next/server/chunks that are byte for byte the same but for their last line (the
// `//# sourceMappingURL=` comment naming the file itself). Turbopack's runtime `require`s each route's
// list as the route is first served, and installs from a chunk only the module factories it doesn't
// have yet, so a copy adds nothing, but Node compiles it and keeps its source for as long as the
// process lives (V8 keeps a script's source for lazy compilation, and the require cache keeps the
// chunk's exports). Measured at 100,000 users after the Team → Users pages (docs/benchmarks.md,
// "Round 9: RSS at 100k (wt-memory)"): one 482 KiB chunk loaded 12 times, one of 1 MiB 4 times, one of
// 295 KiB 13 times; the heap's strings went from 44.8 to 20.7 MiB with this (most chunks are two-byte
// strings, twice their size in the file), RSS after the users-100k cases from 269 to 231–237 MiB.
//
// A chunk file is only a list of module ids and factory functions (`module.exports=[id, (e)=>{…}, …]`):
// evaluating it does nothing else, so a copy can be answered with the exports of the first file with
// the same text in the same directory (same `__dirname`, same `require` resolution). The runtime then
// installs from that list exactly what it would have installed from the copy: nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";

const SOURCE_MAP_COMMENT = "\n//# sourceMappingURL=";
const FACTORY_LIST = "module.exports=[";

/** From now on, a server chunk under `serverDir` whose text was loaded before returns that first load's exports. */
export function shareServerChunks(serverDir) {
  const within = path.resolve(serverDir) + path.sep;
  // Next.js marks its output CommonJS (.next/package.json), which is how Node would compile a chunk.
  const packageFile = path.join(path.dirname(path.resolve(serverDir)), "package.json");
  if (!fs.existsSync(packageFile) || JSON.parse(fs.readFileSync(packageFile, "utf8")).type !== "commonjs") return;
  const extensions = Module._extensions;
  const compile = extensions[".js"];
  /** Directory and digest of the text without the source map comment → the exports of the first file with it. */
  const loaded = new Map();
  extensions[".js"] = function loadServerChunk(module, filename) {
    if (!filename.startsWith(within)) return compile.call(this, module, filename);
    const source = fs.readFileSync(filename, "utf8");
    // Only a pure list of factories, and one that doesn't name its own file.
    if (!source.startsWith(FACTORY_LIST) || source.includes("__filename")) return compile.call(this, module, filename);
    const end = source.lastIndexOf(SOURCE_MAP_COMMENT);
    const digest = crypto
      .createHash("sha256")
      .update(end < 0 ? source : source.slice(0, end))
      .digest("base64");
    const key = `${path.dirname(filename)}\u0000${digest}`;
    const earlier = loaded.get(key);
    if (earlier) {
      module.exports = earlier.exports;
      return;
    }
    // As Node's own loader does with a CommonJS file, with the text already read.
    module._compile(source, filename, "commonjs");
    loaded.set(key, module);
  };
}
