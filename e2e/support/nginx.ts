/**
 * A real TLS reverse proxy for tests: Debian's nginx, run on a free loopback port with its own nginx.conf in a temp
 * dir (no system config, no system service), in the foreground so the test owns the process, with a self-signed
 * certificate made by openssl for `serverName`. Used by e2e/api/nginx-proxy.spec.ts with docs/operations.md's
 * own snippets (./tls-proxy.ts).
 *
 * As root (CI), nginx's workers run as nobody: the temp dir is made traversable for them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startOwnedServer, stopProcess } from "./processes";
import { makeCertificate, OPENSSL } from "./tls-proxy";

const NGINX = "/usr/sbin/nginx";
const MIME_TYPES = "/etc/nginx/mime.types";
const INSTALL = "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y nginx openssl (.ci/run does this).";

/** Throws (never skips) with what to install when nginx or openssl isn't there. */
export function requireNginx(): void {
  const missing = [NGINX, OPENSSL, MIME_TYPES].filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`The reverse-proxy test needs Debian's nginx and openssl, and ${missing.join(", ")} is missing. ${INSTALL}`);
}

export type Nginx = {
  port: number;
  certificate: string;
  errorLog: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts nginx with `http` as its http block's contents (after mime types, logs and temp paths, all in a temp dir).
 * "{certificate}" and "{key}" in `http` are the self-signed certificate's files for `serverName`.
 */
export async function startNginx({ port, serverName, http }: { port: number; serverName: string; http: string }): Promise<Nginx> {
  requireNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-nginx-"));
  const { certificate, key } = makeCertificate(dir, serverName);
  if (process.getuid?.() === 0) fs.chmodSync(dir, 0o755);
  const errorLogFile = path.join(dir, "error.log");
  const conf = [
    "worker_processes 1;",
    `pid ${path.join(dir, "nginx.pid")};`,
    `error_log ${errorLogFile} info;`,
    "events { worker_connections 128; }",
    "http {",
    `  include ${MIME_TYPES};`,
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${path.join(dir, t)};`),
    http.replaceAll("{certificate}", certificate).replaceAll("{key}", key),
    "}",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
  const errorLog = () => (fs.existsSync(errorLogFile) ? fs.readFileSync(errorLogFile, "utf8") : "");
  // -e: its start-up log goes here too, never to /var/log/nginx; -g daemon off: the test owns the master process.
  const child = await startOwnedServer("nginx", NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", errorLogFile, "-g", "daemon off;"], {
    port,
    dir,
    log: () => `${errorLog()}\n${conf}`,
  });
  return {
    port,
    certificate,
    errorLog,
    stop: async () => {
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
