/**
 * A real relying party for tests: Debian's Apache httpd with mod_auth_openidc, run on a free loopback port
 * with its own minimal httpd.conf in a temp dir (no system config, no system service, the modules it needs
 * loaded explicitly), in the foreground so the test owns the process. Used by e2e/apache-openidc.spec.ts.
 * APACHE_OIDC_LOG=debug raises mod_auth_openidc's log level (the spec then prints the error log: it holds tokens).
 *
 * As root (CI), Apache refuses to serve unless it switches to another user: it runs its workers as
 * nobody/nogroup then, and the temp dir is made readable to them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startOwnedServer, stopProcess } from "./processes";

const HTTPD_CANDIDATES = ["/usr/sbin/apache2", "/usr/sbin/httpd"];
const MODULE_DIRS = ["/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules"];
/** Exactly what the test configuration uses, nothing else. */
const MODULES: [string, string][] = [
  ["mpm_event_module", "mod_mpm_event.so"],
  ["authn_core_module", "mod_authn_core.so"],
  ["authz_core_module", "mod_authz_core.so"],
  ["authz_user_module", "mod_authz_user.so"],
  ["include_module", "mod_include.so"],
  ["auth_openidc_module", "mod_auth_openidc.so"],
];

const INSTALL =
  "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y apache2 libapache2-mod-auth-openidc (.ci/run does this).";

/** Throws (never skips) with what to install when Apache or mod_auth_openidc isn't there. */
export function requireApache(): { httpd: string; moduleDir: string } {
  const httpd = HTTPD_CANDIDATES.find((p) => fs.existsSync(p));
  const moduleDir = MODULE_DIRS.find((d) => fs.existsSync(path.join(d, "mod_auth_openidc.so")));
  if (!httpd || !moduleDir) {
    throw new Error(`The Apache relying-party test needs Apache httpd with mod_auth_openidc, and ${httpd ? "mod_auth_openidc" : "Apache"} is not installed. ${INSTALL}`);
  }
  const missing = MODULES.filter(([, file]) => !fs.existsSync(path.join(moduleDir, file)));
  if (missing.length) throw new Error(`Apache's modules ${missing.map(([, f]) => f).join(", ")} are missing in ${moduleDir}. ${INSTALL}`);
  return { httpd, moduleDir };
}

export type Apache = {
  port: number;
  baseURL: string;
  url: (p: string) => string;
  /** The error log (mod_auth_openidc says there why it refused something). */
  errorLog: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts Apache on `port` (reserve it with freePort() from ./ports.ts first when the config must name its own address, as
 * OIDCRedirectURI does). `site` is the configuration after the server's own lines (modules, port, files);
 * `files` are written under the document root (relative paths). "{root}" in `site` is the document root.
 */
export async function startApache({ port, site, files = {} }: { port: number; site: string; files?: Record<string, string> }): Promise<Apache> {
  const { httpd, moduleDir } = requireApache();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-apache-"));
  const root = path.join(dir, "htdocs");
  const run = path.join(dir, "run");
  fs.mkdirSync(root);
  fs.mkdirSync(run);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The workers run as nobody: they read the documents; the parent (root) keeps the logs and the pid file.
    for (const p of [dir, root, ...Object.keys(files).flatMap((f) => [path.dirname(path.join(root, f)), path.join(root, f)])]) {
      fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    }
    fs.chmodSync(run, 0o755);
  }
  const conf = [
    `ServerRoot "${dir}"`,
    ...MODULES.map(([name, file]) => `LoadModule ${name} ${path.join(moduleDir, file)}`),
    `Listen 127.0.0.1:${port}`,
    `ServerName 127.0.0.1:${port}`,
    `PidFile "${path.join(dir, "httpd.pid")}"`,
    `ErrorLog "${path.join(dir, "error.log")}"`,
    `LogLevel warn auth_openidc:${process.env.APACHE_OIDC_LOG ?? "info"}`,
    `DefaultRuntimeDir "${run}"`,
    `Mutex file:${run} default`,
    ...(asRoot ? ["User nobody", "Group nogroup"] : []),
    // One small worker process: the test is one browser.
    "StartServers 1",
    "ServerLimit 1",
    "ThreadsPerChild 16",
    "MaxRequestWorkers 16",
    "MinSpareThreads 1",
    "MaxSpareThreads 16",
    `DocumentRoot "${root}"`,
    `<Directory "${root}">`,
    "  Require all granted",
    "</Directory>",
    site.replaceAll("{root}", root),
    "",
  ].join("\n");
  // It holds the client secret: only the parent, which reads it before it starts its workers, needs it.
  fs.writeFileSync(path.join(dir, "httpd.conf"), conf, { mode: 0o600 });

  const errorLog = () => {
    try {
      return fs.readFileSync(path.join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  // -DFOREGROUND: the parent stays attached (the test owns it); -f: only this file, never /etc/apache2.
  const child = await startOwnedServer("Apache", httpd, ["-d", dir, "-f", path.join(dir, "httpd.conf"), "-DFOREGROUND"], {
    port,
    dir,
    log: errorLog,
    env: { ...process.env, LANG: "C" },
  });
  const baseURL = `http://127.0.0.1:${port}`;
  return {
    port,
    baseURL,
    url: (p) => `${baseURL}${p}`,
    errorLog,
    stop: async () => {
      // SIGTERM: the parent stops its workers and exits.
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
