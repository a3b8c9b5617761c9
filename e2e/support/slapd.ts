/**
 * A real OpenLDAP server for tests: Debian's slapd, run as the current user
 * on a free loopback port, with a throwaway slapd.conf and MDB database in a
 * temp dir loaded from a small fixture directory (slapadd). It never touches
 * a system slapd instance. Used by the unit tests of lib/idp/ldap and by the
 * browser test of LDAP sign-in.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Attribute, Change, Client } from "ldapts";
import type { CertificateFiles } from "./ldap-certificates";
import { freePort } from "./ports";
import { stopProcess, untilListening } from "./processes";

export const LDAP_BASE = "dc=example,dc=org";
export const LDAP_ADMIN = { dn: `cn=admin,${LDAP_BASE}`, password: "admin-secret-for-tests" };

/** People in the fixture directory (passwords are test fixtures only). */
export const LDAP_PEOPLE = {
  dora: { uid: "dora", password: "dora directory passphrase", email: "dora@example.org", name: "Dora Directory" },
  eve: { uid: "eve", password: "eve directory passphrase", email: "eve@example.org", name: "Eve Engineer" },
  nomail: { uid: "nomail", password: "no mail passphrase", email: null, name: "No Mail" },
};

const SLAPD_CANDIDATES = ["/usr/sbin/slapd", "/usr/local/libexec/slapd", "/usr/libexec/slapd"];
const SLAPADD_CANDIDATES = ["/usr/sbin/slapadd", "/usr/local/sbin/slapadd"];
const SCHEMA_DIR = "/etc/ldap/schema";
const MODULE_DIR = "/usr/lib/ldap";

function findBinary(candidates: string[]): string | undefined {
  return candidates.find((p) => fs.existsSync(p));
}

/** Throws (never skips) with what to install when OpenLDAP isn't there. */
export function requireSlapd(): { slapd: string; slapadd: string } {
  const slapd = findBinary(SLAPD_CANDIDATES);
  const slapadd = findBinary(SLAPADD_CANDIDATES);
  if (!slapd || !slapadd || !fs.existsSync(path.join(SCHEMA_DIR, "inetorgperson.schema"))) {
    throw new Error(
      "The LDAP tests need a real OpenLDAP server, and slapd is not installed. " +
        "Install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils (.ci/run does this).",
    );
  }
  return { slapd, slapadd };
}

function fixture(): string {
  const person = (p: { uid: string; password: string; email: string | null; name: string }) =>
    [
      `dn: uid=${p.uid},ou=people,${LDAP_BASE}`,
      "objectClass: inetOrgPerson",
      `uid: ${p.uid}`,
      `cn: ${p.name}`,
      `sn: ${p.name.split(" ").at(-1)}`,
      ...(p.email ? [`mail: ${p.email}`] : []),
      `userPassword: ${p.password}`,
      "",
    ].join("\n");
  return [
    `dn: ${LDAP_BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n`,
    `dn: ou=people,${LDAP_BASE}\nobjectClass: organizationalUnit\nou: people\n`,
    `dn: ou=groups,${LDAP_BASE}\nobjectClass: organizationalUnit\nou: groups\n`,
    person(LDAP_PEOPLE.dora),
    person(LDAP_PEOPLE.eve),
    person(LDAP_PEOPLE.nomail),
    `dn: cn=engineers,ou=groups,${LDAP_BASE}\nobjectClass: groupOfNames\ncn: engineers\nmember: uid=eve,ou=people,${LDAP_BASE}\n`,
  ].join("\n");
}

/** The runtime configuration's root (cn=config), through which a TLS directory's certificate is swapped. */
const CONFIG_ADMIN = { dn: "cn=config", password: "config-secret-for-tests" };

function config(dir: string, tls: CertificateFiles | undefined): string {
  return [
    ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    fs.existsSync(path.join(MODULE_DIR, "back_mdb.la")) || fs.existsSync(path.join(MODULE_DIR, "back_mdb.so")) ? `modulepath ${MODULE_DIR}\nmoduleload back_mdb` : "",
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    ...(tls ? [`TLSCertificateFile ${tls.certificate}`, `TLSCertificateKeyFile ${tls.key}`, "database config", `rootpw ${CONFIG_ADMIN.password}`] : []),
    "database mdb",
    "maxsize 16777216",
    `suffix "${LDAP_BASE}"`,
    `rootdn "${LDAP_ADMIN.dn}"`,
    `rootpw ${LDAP_ADMIN.password}`,
    `directory ${dir}/data`,
    "access to attrs=userPassword by anonymous auth by * none",
    "access to * by * read",
    "",
  ].join("\n");
}



export type Slapd = { url: string; port: number; stop: () => Promise<void> };

/**
 * A directory that also speaks TLS: ldaps:// on `tlsPort` (127.0.0.1, and 127.0.0.2 for a name its certificate
 * doesn't carry) and StartTLS on the plain port. `serveCertificate` swaps the certificate it presents (through
 * cn=config: new connections get it at once), so one slapd serves every certificate case.
 */
export type TlsSlapd = Slapd & { ldapsUrl: string; tlsPort: number; serveCertificate: (files: CertificateFiles) => Promise<void> };

/** Runs `run` bound as the test directory's admin (who adds, changes and removes its entries), then unbinds. */
export async function asDirectoryAdmin(slapd: Pick<Slapd, "url">, run: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(LDAP_ADMIN.dn, LDAP_ADMIN.password);
    await run(client);
  } finally {
    await client.unbind();
  }
}

/** ldapSettings' `more` for a directory whose people sign in with their email (found by `mail`) and are created on first sign-in. */
export const SIGN_IN_BY_EMAIL = { user_filter: "(&(objectClass=inetOrgPerson)(mail={username}))", username_attribute: "mail", auto_create: true };

/** The body of PUT /api/settings/ldap for this test directory: plain LDAP on loopback, bound as its admin, people under ou=people; `more` adds or overrides fields. */
export function ldapSettings(slapd: Slapd, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    enabled: true,
    url: slapd.url,
    bind_dn: LDAP_ADMIN.dn,
    bind_password: LDAP_ADMIN.password,
    allow_unencrypted: true,
    allow_internal_addresses: true,
    search_base: `ou=people,${LDAP_BASE}`,
    ...more,
  };
}

export async function startSlapd(): Promise<Slapd>;
export async function startSlapd(options: { tls: CertificateFiles }): Promise<TlsSlapd>;
export async function startSlapd({ tls }: { tls?: CertificateFiles } = {}): Promise<Slapd | TlsSlapd> {
  const { slapd, slapadd } = requireSlapd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-slapd-"));
  fs.mkdirSync(path.join(dir, "data"));
  fs.writeFileSync(path.join(dir, "slapd.conf"), config(dir, tls));
  fs.writeFileSync(path.join(dir, "fixture.ldif"), fixture());
  const load = spawnSync(slapadd, ["-f", path.join(dir, "slapd.conf"), "-l", path.join(dir, "fixture.ldif")], { encoding: "utf8" });
  if (load.status !== 0) throw new Error(`slapadd failed (${load.status}):\n${load.stderr}`);
  const port = await freePort();
  const tlsPort = tls ? await freePort() : 0;
  const listen = [`ldap://127.0.0.1:${port}/`, ...(tls ? [`ldaps://127.0.0.1:${tlsPort}/`, `ldaps://127.0.0.2:${tlsPort}/`] : [])];
  let output = "";
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child: ChildProcess = spawn(slapd, ["-f", path.join(dir, "slapd.conf"), "-h", listen.join(" "), "-d", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const why = (await untilListening(child, port)) ?? (tls ? await untilListening(child, tlsPort) : null);
  if (why) throw new Error(`slapd ${why}:\n${output}`);
  const plain = {
    url: `ldap://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!tls) return plain;
  return {
    ...plain,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    tlsPort,
    serveCertificate: async (files: CertificateFiles) => {
      const client = new Client({ url: plain.url });
      try {
        await client.bind(CONFIG_ADMIN.dn, CONFIG_ADMIN.password);
        await client.modify("cn=config", [
          new Change({ operation: "replace", modification: new Attribute({ type: "olcTLSCertificateFile", values: [files.certificate] }) }),
          new Change({ operation: "replace", modification: new Attribute({ type: "olcTLSCertificateKeyFile", values: [files.key] }) }),
        ]);
      } finally {
        await client.unbind();
      }
    },
  };
}
