/**
 * A directory username handed to someone new (Dora leaves; a new "dora" joins) must not bring the new person
 * into the old Latchkey account with its role, groups and history: people are bound by the directory
 * entry's own id (entryUUID on OpenLDAP), not by the username (review 10a). People bound by username before
 * are moved to the entry's id at their next sign-in. Against a real slapd (Debian's), as ./ldap.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDirectoryAdmin, LDAP_BASE, LDAP_PEOPLE, ldapSettings, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { writeSystem } from "@/lib/data/unit-of-work";
import { openIdpSubject, sealIdpSubject } from "@/lib/db/idp-subject";
import { users } from "@/lib/db/schema";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { eq } from "drizzle-orm";
import { ldapInputSchema } from "../schemas";
import { saveLdapSource } from "./source";

let slapd: Slapd;
let owner: Awaited<ReturnType<typeof startSession>>;
let sourceId: string;

beforeAll(async () => {
  slapd = await startSlapd();
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  const saved = await saveLdapSource(
    owner,
    ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true })),
    META,
  );
  sourceId = saved.id;
}, 30_000);

afterAll(async () => {
  await slapd?.stop();
});

/** The directory's admin replaces uid=`uid` with a new person's entry (a new entryUUID). */
async function replaceEntry(uid: string, person: { name: string; email: string; password: string }) {
  await asDirectoryAdmin(slapd, async (client) => {
    const dn = `uid=${uid},ou=people,${LDAP_BASE}`;
    await client.del(dn);
    await client.add(dn, { objectClass: "inetOrgPerson", uid, cn: person.name, sn: person.name.split(" ").at(-1)!, mail: person.email, userPassword: person.password });
  });
}

describe("a directory username given to someone new", () => {
  it("is a new person here: the old account, its role and sessions stay the old person's", async () => {
    const old = await signInWithPassword("eve", LDAP_PEOPLE.eve.password, META);
    await replaceEntry("eve", { name: "Evelyn Newhire", email: "evelyn@example.org", password: "a new hire's passphrase" });

    const next = await signInWithPassword("eve", "a new hire's passphrase", META);
    expect(next.userId).not.toBe(old.userId);
    expect(await userRow(next.userId)).toMatchObject({ passwordHash: null });
    expect(openIdpSubject((await userRow(old.userId))!)).not.toBe(openIdpSubject((await userRow(next.userId))!));
  });

  it("moves someone bound by username before (an older Latchkey) to the entry's id at their next sign-in", async () => {
    const first = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    // As an older Latchkey bound her: by the username.
    await writeSystem((tx) => tx.update(users).set(sealIdpSubject(first.userId, sourceId, "dora")).where(eq(users.id, first.userId)));
    expect(openIdpSubject((await userRow(first.userId))!)).toBe("dora");

    const again = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    expect(again.userId).toBe(first.userId);
    expect(openIdpSubject((await userRow(first.userId))!)).toMatch(/^entryuuid:[0-9a-f-]{36}$/);
  });
});
