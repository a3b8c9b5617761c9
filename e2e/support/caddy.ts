/**
 * A real TLS reverse proxy for tests: Debian's Caddy, run in the foreground (the test owns the process) with its own
 * Caddyfile in a temp dir and a self-signed certificate made by openssl for `serverName` (./tls-proxy.ts). Nothing
 * of the machine's is used or written: no admin API (`admin off`), no ACME (the site's certificate is given), no
 * http→https redirect server on port 80, storage and Caddy's config and data dirs (HOME, XDG_*) in the temp dir.
 * Used by e2e/api/caddy-proxy.spec.ts with docs/operations.md's own Caddy snippet.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startOwnedServer, stopProcess } from "./processes";
import { makeCertificate, OPENSSL } from "./tls-proxy";

const CADDY = "/usr/bin/caddy";
const INSTALL = "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y caddy openssl (.ci/run does this).";

/** Throws (never skips) with what to install when Caddy or openssl isn't there. */
export function requireCaddy(): void {
  const missing = [CADDY, OPENSSL].filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`The Caddy reverse-proxy test needs Debian's caddy and openssl, and ${missing.join(", ")} is missing. ${INSTALL}`);
}

export type Caddy = {
  port: number;
  certificate: string;
  stop: () => Promise<void>;
};

/**
 * Starts Caddy with `site` (a Caddyfile site block) after the test's global options. "{certificate}" and "{key}" in
 * `site` are the self-signed certificate's files for `serverName`. Caddy listens on 127.0.0.1 only (`default_bind`).
 */
export async function startCaddy({ port, serverName, site }: { port: number; serverName: string; site: string }): Promise<Caddy> {
  requireCaddy();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-caddy-"));
  const { certificate, key } = makeCertificate(dir, serverName);
  const caddyfile = [
    "{",
    "  admin off",
    "  auto_https disable_redirects",
    "  default_bind 127.0.0.1",
    `  storage file_system ${path.join(dir, "storage")}`,
    "  servers {",
    "    protocols h1 h2", // no HTTP/3: nothing on UDP
    "  }",
    "}",
    site.replaceAll("{certificate}", certificate).replaceAll("{key}", key),
    "",
  ].join("\n");
  const file = path.join(dir, "Caddyfile");
  fs.writeFileSync(file, caddyfile);
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, "config"), XDG_DATA_HOME: path.join(dir, "data") };
  const child = await startOwnedServer("caddy", CADDY, ["run", "--config", file, "--adapter", "caddyfile"], { port, dir, env, log: () => caddyfile });
  return {
    port,
    certificate,
    stop: async () => {
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
