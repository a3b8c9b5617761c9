/**
 * A real TLS reverse proxy for tests: Debian's nginx, run on a free loopback port with its own nginx.conf in a temp
 * dir (no system config, no system service), in the foreground so the test owns the process, with a self-signed
 * certificate made by openssl for `serverName`. Used by e2e/api/nginx-proxy.spec.ts with docs/operations.md's
 * own snippets (nginxSnippetsOfDocs).
 *
 * As root (CI), nginx's workers run as nobody: the temp dir is made traversable for them.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startOwnedServer, stopProcess } from "./processes";

const NGINX = "/usr/sbin/nginx";
const OPENSSL = "/usr/bin/openssl";
const MIME_TYPES = "/etc/nginx/mime.types";
const INSTALL = "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y nginx openssl (.ci/run does this).";

/** Throws (never skips) with what to install when nginx or openssl isn't there. */
export function requireNginx(): void {
  const missing = [NGINX, OPENSSL, MIME_TYPES].filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`The reverse-proxy test needs Debian's nginx and openssl, and ${missing.join(", ")} is missing. ${INSTALL}`);
}

/**
 * The ```nginx blocks of docs/operations.md's "Reverse proxy" section, in order: what an operator copies. The test
 * runs them, so a snippet that stops loading or limiting fails it.
 */
export function nginxSnippetsOfDocs(): string[] {
  const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "operations.md"), "utf8");
  const section = /^## Reverse proxy\n([\s\S]*?)^## /m.exec(doc)?.[1];
  if (!section) throw new Error('docs/operations.md has no "## Reverse proxy" section');
  return [...section.matchAll(/^```nginx\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

/** `text` with `from` replaced by `to`; throws when `from` isn't there (the docs changed: the test must follow). */
export function replaceRequired(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`docs/operations.md's nginx snippet no longer has ${String(from)}; update e2e/support/nginx.ts's caller`);
  return typeof from === "string" ? text.replaceAll(from, to) : text.replace(from, to);
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
  const certificate = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync(OPENSSL, [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${serverName}`,
    "-addext", `subjectAltName=DNS:${serverName}`, "-keyout", key, "-out", certificate,
  ], { stdio: "ignore" });
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
