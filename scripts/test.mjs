// `npm test`: production build, then unit tests (vitest), then API and browser
// tests (Playwright against real servers on free ports). Stops at the first failing stage.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, file) => path.join(root, "node_modules", pkg, file);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

const stages = [
  ["Build", [bin("next", "dist/bin/next"), "build"]],
  ["Unit tests", [bin("vitest", "vitest.mjs"), "run"]],
  ["API and browser tests", [bin("@playwright/test", "cli.js"), "test"]],
];

for (const [name, args] of stages) {
  if (name === "Build" && process.env.SKIP_BUILD === "1") continue;
  console.log(`\n=== ${name} ===`);
  const { status } = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env });
  if (status !== 0) {
    console.error(`\n${name} failed.`);
    process.exit(status ?? 1);
  }
}
