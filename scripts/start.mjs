// `npm start`: builds the app on first run (or when BUILD_ID is missing), then
// serves it. No configuration needed: PORT (3000) and DATA_DIR (./data) are optional.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { missingServerEnvironment } from "./server-environment.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.log("No production build found; building Latchkey (this takes a minute the first time)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/**
 * `npm start` runs this through `sh -c`, and the shell doesn't pass a stop on: SIGTERM sent to npm ended npm and its
 * shell and left the server running, holding its port. So when the process that started this one is gone, this
 * stops the server as SIGTERM would (the graceful stop). Only under a package manager's script (npm sets
 * npm_lifecycle_event): `nohup node scripts/start.mjs &` from a shell that then logs out keeps running, as before,
 * and so does anything started by PID 1 (systemd, a container's init). Checked once a second; `process.ppid` is not
 * updated when the parent dies, so the parent is asked for by its pid (ESRCH: gone; EPERM: alive, another user's).
 */
function stopWhenStarterIsGone(stop) {
  const starter = process.ppid;
  if (starter <= 1 || !process.env.npm_lifecycle_event) return;
  const timer = setInterval(() => {
    try {
      process.kill(starter, 0);
    } catch (err) {
      if (err.code !== "ESRCH") return;
      clearInterval(timer);
      console.log("The process that started Latchkey (npm) is gone: stopping.");
      stop();
    }
  }, 1000);
  timer.unref();
}

process.env.NODE_ENV = "production";
const missing = process.platform === "linux" ? missingServerEnvironment() : {};
if (Object.keys(missing).length === 0) {
  stopWhenStarterIsGone(() => process.kill(process.pid, "SIGTERM"));
  await import("./server.mjs");
} else {
  // glibc's malloc settings (scripts/server-environment.mjs) only apply to a process started with
  // them: the server runs as a child that has them, and this process passes signals on and exits as it does.
  const server = spawn(process.execPath, [...process.execArgv, path.join(root, "scripts", "server.mjs")], {
    cwd: process.cwd(),
    env: { ...process.env, ...missing },
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => server.kill(signal));
  stopWhenStarterIsGone(() => server.kill("SIGTERM"));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
