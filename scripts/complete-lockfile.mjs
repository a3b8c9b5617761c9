// Adds lockfile entries for platform-specific optional packages (other OSes'
// and CPUs' native builds) that the registry reachable here does not serve.
// npm skips such packages when it installs, so it leaves them out of
// package-lock.json, and then `npm ci` refuses the lock as out of sync. Each
// entry records only version, os, cpu and libc: `npm ci` skips it on other
// platforms, exactly as it would with a complete lock. With a full registry
// npm writes these entries itself and this script adds nothing.
// Run after changing dependencies: node scripts/complete-lockfile.mjs
import fs from "node:fs";
const file = process.argv[2] ?? new URL("../package-lock.json", import.meta.url).pathname;
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const pk = lock.packages;
const platform = (name) => {
  const n = name.split("/").pop();
  const os = ["android", "darwin", "freebsd", "linux", "win32"].find((o) => n.includes(`-${o}-`));
  const cpu = ["arm64", "x64", "ia32", "wasm32", "arm"].find((c) => n.includes(`-${c}`) || n.endsWith(`-${c}`));
  const libc = n.includes("-musl") ? ["musl"] : n.includes("-gnu") ? ["glibc"] : undefined;
  return { os: os ? [os] : undefined, cpu: cpu ? [cpu] : undefined, libc };
};
let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pk[key] || pk[`${path}/node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platform(dep);
    pk[key] = { version, ...(cpu ? { cpu } : {}), ...(libc ? { libc } : {}), optional: true, ...(os ? { os } : {}) };
    added++;
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} platform-only optional entries`);
