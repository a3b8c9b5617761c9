/**
 * A user's identifier at an external sign-in source (LDAP uid, the trusted
 * proxy's user header, often an email) is personal data: after signing in
 * through LDAP and through the proxy header, it appears nowhere in plaintext
 * in the data directory (database, -wal and -shm files), and the next sign-in
 * still finds the same user through its blind index.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { bearer, call, CookieJar, SESSION_COOKIE, signInOrFail } from "../support/api";
import { postgresDump } from "../support/database";
import { setUpOwner, useInstance } from "../support/instance";
import { LDAP_PEOPLE, ldapSettings, SIGN_IN_BY_EMAIL, type Slapd, startSlapd } from "../support/slapd";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let slapd: Slapd | undefined;
let token: string;

test.afterAll(async () => {
  await slapd?.stop();
});

/** The proxy's user header: distinctive, so a plaintext copy can't hide behind other bytes. */
const PROXY_USER = "proxy-subject-5f1c9e@header.example";

/** GET /auth/proxy from 127.0.0.1 with the proxy's headers; the session cookie it sets, if any. */
function proxySignIn(headers: Record<string, string>): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = http.request(instance.url("/auth/proxy?callbackUrl=%2Fteam%2Fusers"), { localAddress: "127.0.0.1", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        const jar = new CookieJar();
        const h = new Headers();
        for (const c of res.headers["set-cookie"] ?? []) h.append("set-cookie", c);
        jar.update(h);
        resolve(jar.has(SESSION_COOKIE) ? jar.header : null);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Every file in the data directory, read raw, and on PostgreSQL every row of the database as stored. */
function dataDirectoryBytes(): Array<{ file: string; bytes: Buffer }> {
  const dump = postgresDump(instance);
  const out: Array<{ file: string; bytes: Buffer }> = dump ? [{ file: "the PostgreSQL database (pg_dump)", bytes: dump }] : [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push({ file: full, bytes: fs.readFileSync(full) });
    }
  };
  walk(instance.dataDir);
  return out;
}

async function currentUser(cookie: string) {
  const me = await call<{ id: string; email: string }>(instance, "/api/users/current", { headers: { cookie } });
  expect(me.status, me.text).toBe(200);
  return me.body;
}

test("LDAP and proxy-header identifiers are not stored in plaintext, and still find their user", async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  slapd = await startSlapd();

  const ldap = await call(instance, "/api/settings/ldap", {
    method: "PUT",
    headers: bearer(token),
    // People sign in with their email, which becomes their subject: the identifier is an email here.
    json: ldapSettings(slapd, SIGN_IN_BY_EMAIL),
  });
  expect(ldap.status, ldap.text).toBe(200);
  const header = await call(instance, "/api/settings/trusted-header", {
    method: "PUT",
    headers: bearer(token),
    json: { enabled: true, trusted_ranges: ["127.0.0.1/32"], email_header: "Remote-Email", auto_create: true },
  });
  expect(header.status, header.text).toBe(200);

  const dora = LDAP_PEOPLE.dora;
  const doraId = (await currentUser(await signInOrFail(instance, dora.email, dora.password))).id;
  const proxied = await proxySignIn({ "remote-user": PROXY_USER, "remote-email": "pat.proxy@example.com" });
  expect(proxied, "the proxy header did not sign in").not.toBeNull();
  const patId = (await currentUser(proxied!)).id;

  for (const { file, bytes } of dataDirectoryBytes()) {
    expect(bytes.includes(dora.email), `"${dora.email}" in plaintext in ${file}`).toBe(false);
    expect(bytes.includes(PROXY_USER), `the proxy user in plaintext in ${file}`).toBe(false);
  }

  // The next sign-ins find the same users (by the blind index), not new ones.
  expect((await currentUser(await signInOrFail(instance, dora.email, dora.password))).id).toBe(doraId);
  expect((await currentUser((await proxySignIn({ "remote-user": PROXY_USER, "remote-email": "pat.proxy@example.com" }))!)).id).toBe(patId);
});
