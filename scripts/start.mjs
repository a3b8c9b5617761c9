// `npm start`: builds the app on first run (or when BUILD_ID is missing), then
// serves it. No configuration needed: PORT (3000) and DATA_DIR (./data) are optional.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.log("No production build found; building Latchkey (this takes a minute the first time)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

process.env.NODE_ENV = "production";
await import("./server.mjs");
