// The production build the bench measures: made once when missing (or on
// --build), and checked against the sources so stale figures are flagged.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

// Sources whose change needs a rebuild. drizzle/ matters twice: migrations are
// read from disk at start, so a build older than them can run a newer schema.
const BUILD_INPUTS = ["app", "lib", "components", "drizzle", "instrumentation.ts", "proxy.ts", "next.config.ts", "package.json"];

/** Files changed after the build was made, newest first. */
function newerThanBuild(root, buildIdFile) {
  const builtAt = fs.statSync(buildIdFile).mtimeMs;
  const newer = [];
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    else if (st.mtimeMs > builtAt) newer.push({ file: path.relative(root, p), mtimeMs: st.mtimeMs });
  };
  for (const input of BUILD_INPUTS) walk(path.join(root, input));
  return newer.sort((a, b) => b.mtimeMs - a.mtimeMs).map((x) => x.file);
}

export function ensureBuild(root, { force }) {
  const buildIdFile = path.join(root, ".next", "BUILD_ID");
  if (fs.existsSync(buildIdFile) && !force) {
    const newer = newerThanBuild(root, buildIdFile);
    return { built_now: false, build_id: fs.readFileSync(buildIdFile, "utf8").trim(), stale_sources: newer };
  }
  console.log(force ? "Building (--build)…" : "No production build (.next/BUILD_ID missing): running next build once…");
  const started = performance.now();
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const { status } = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (status !== 0) throw new Error(`next build failed (exit ${status})`);
  return {
    built_now: true,
    build_seconds: (performance.now() - started) / 1000,
    build_id: fs.readFileSync(buildIdFile, "utf8").trim(),
  };
}
