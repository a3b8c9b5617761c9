/**
 * The directory sign-in, as an attacker (review 45), against a real slapd (Debian's, as ./ldap.test.ts, which
 * has the filter characters in the username and the empty password): a server that never answers, StartTLS
 * stripped by someone in between, and directory entries that carry an owner's, an admin's or a local person's email.
 */
import net from "node:net";
import { Attribute, Change, type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDirectoryAdmin, LDAP_ADMIN, LDAP_BASE, LDAP_PEOPLE, ldapSettings, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { SignInFailed, SignInUnavailable, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { ldapInputSchema } from "../schemas";
import { saveLdapSource } from "./source";

let slapd: Slapd;
let owner: Awaited<ReturnType<typeof startSession>>;
let admin: Awaited<ReturnType<typeof createUser>>;
let local: Awaited<ReturnType<typeof createUser>>;

const save = (more: Record<string, unknown> = {}) => saveLdapSource(owner, ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true, ...more })), META);

beforeAll(async () => {
  slapd = await startSlapd();
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  admin = await createUser(accountId, { email: "admin@example.com", role: "admin", password: "admin passphrase" });
  local = await createUser(accountId, { email: "local@example.com", password: "local passphrase" });
}, 30_000);

afterAll(async () => {
  await slapd?.stop();
});

/** The directory's admin adds or changes an entry under ou=people. */
const directory = (run: (client: Client) => Promise<unknown>) => asDirectoryAdmin(slapd, run);

const person = (uid: string, mail: string, password: string) => ({ objectClass: "inetOrgPerson", uid, cn: uid, sn: uid, mail, userPassword: password });

/** A TCP server on loopback; `onSocket` decides what it does with each connection. */
async function listen(onSocket: (socket: net.Socket) => void): Promise<{ url: string; open: () => Promise<number>; close: () => void }> {
  const server = net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `ldap://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    open: () => new Promise((resolve) => server.getConnections((_, count) => resolve(count))),
    close: () => server.close(),
  };
}

describe("the directory's server, as an attacker (review 45)", () => {
  it("gives up on a server that accepts the connection and never answers, within its timeout, and keeps no connection open", async () => {
    const sockets: net.Socket[] = [];
    // Reads what it is sent (so it sees the connection end) and never answers.
    const silent = await listen((socket) => sockets.push(socket.resume()));
    try {
      await save({ url: silent.url });
      const started = Date.now();
      const err = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignInUnavailable);
      expect(Date.now() - started).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await silent.open()).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 30_000);

  it("with StartTLS on, sends no password when someone in between (or a server without TLS) refuses StartTLS", async () => {
    // A relay to slapd that records what Latchkey sends; slapd here has no certificate, so it refuses StartTLS
    // as an attacker stripping it would.
    let sent = Buffer.alloc(0);
    const relay = await listen((socket) => {
      const upstream = net.connect(slapd.port, "127.0.0.1");
      socket.on("data", (chunk) => {
        sent = Buffer.concat([sent, chunk]);
        upstream.write(chunk);
      });
      upstream.on("data", (chunk) => socket.write(chunk));
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
    });
    try {
      await save({ url: relay.url, start_tls: true, allow_unencrypted: false });
      const err = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignInUnavailable);
      expect(sent.length).toBeGreaterThan(0); // it did ask for StartTLS
      expect(sent.includes(LDAP_ADMIN.password)).toBe(false);
      expect(sent.includes(LDAP_PEOPLE.dora.password)).toBe(false);
    } finally {
      relay.close();
    }
  }, 30_000);
});

describe("directory entries carrying someone else's email, as an attacker (review 45)", () => {
  it("never signs a directory entry in as the owner, an admin or a local person whose email it carries", async () => {
    await save();
    await directory(async (client) => {
      for (const [uid, mail] of [["mallory-owner", "owner@example.com"], ["mallory-admin", "ADMIN@example.com"], ["mallory-local", "local@example.com"]]) {
        await client.add(`uid=${uid},ou=people,${LDAP_BASE}`, person(uid, mail, `${uid} passphrase`));
      }
    });
    for (const [uid, victim] of [["mallory-owner", owner.userId], ["mallory-admin", admin.id], ["mallory-local", local.id]] as const) {
      const result = await signInWithPassword(uid, `${uid} passphrase`, META).catch((e: unknown) => e);
      expect(result, uid).not.toMatchObject({ userId: victim });
      if (!(result instanceof SignInFailed)) expect((await userRow((result as { userId: string }).userId))!.role, uid).toBe("user");
    }
    expect(await userRow(owner.userId)).toMatchObject({ role: "owner" });
    expect(await userRow(admin.id)).toMatchObject({ role: "admin" });
  });

  it("keeps a directory person in their own account when their entry's email changes to a local person's between sign-ins", async () => {
    await save();
    const first = await signInWithPassword("eve", LDAP_PEOPLE.eve.password, META);
    await directory((client) => client.modify(`uid=eve,ou=people,${LDAP_BASE}`, new Change({ operation: "replace", modification: new Attribute({ type: "mail", values: ["local@example.com"] }) })));
    const again = await signInWithPassword("eve", LDAP_PEOPLE.eve.password, META).catch((e: unknown) => e);
    expect(again).not.toMatchObject({ userId: local.id });
    if (!(again instanceof SignInFailed)) expect((again as { userId: string }).userId).toBe(first.userId);
    expect(await userRow(local.id)).toMatchObject({ role: "user" });
  });
});

describe("the username and the directory's answer, as an attacker (review 45)", () => {
  it("follows no referral: an entry that points elsewhere finds nobody, and the other server is never contacted", async () => {
    await save();
    const contacted: net.Socket[] = [];
    const elsewhere = await listen((socket) => contacted.push(socket.resume()));
    try {
      // Someone who may write under ou=people leaves a referral to their own server, hoping for the bind password.
      await directory((client) =>
        client.add(`uid=referred,ou=people,${LDAP_BASE}`, { objectClass: ["referral", "extensibleObject"], uid: "referred", ref: `${elsewhere.url}/uid=referred,dc=example,dc=org` }),
      );
      const err = await signInWithPassword("referred", "any password", META).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignInFailed);
      expect(err).not.toBeInstanceOf(SignInUnavailable);
      expect(contacted).toHaveLength(0);
    } finally {
      for (const socket of contacted) socket.destroy();
      elsewhere.close();
    }
  });

  it("reads a DN or full-width letters typed as the username as a name: never someone else's entry", async () => {
    await save();
    const dora = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    for (const typed of [`uid=dora,ou=people,${LDAP_BASE}`, `uid=eve,ou=people,${LDAP_BASE}`, "(uid=eve)", "eve\\2a", "\\65ve"]) {
      const result = await signInWithPassword(typed, LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
      expect(result, typed).toBeInstanceOf(SignInFailed);
    }
    // The directory may match "ｄｏｒａ" to dora (its own Unicode rules): then it is dora, with dora's password only.
    const wide = await signInWithPassword("\uff44\uff4f\uff52\uff41", LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
    if (!(wide instanceof SignInFailed)) expect((wide as { userId: string }).userId).toBe(dora.userId);
    await expect(signInWithPassword("\uff45\uff56\uff45", LDAP_PEOPLE.dora.password, META)).rejects.toBeInstanceOf(SignInFailed);
  });
});
