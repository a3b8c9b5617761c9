/**
 * The periodic directory check (./directory-sync.ts) against a real OpenLDAP server (Debian's slapd, as
 * ./ldap.test.ts): a person whose entry left the directory loses their sessions, access tokens and app
 * grants and is blocked until they sign in through the directory again; a person moved out of a mapped
 * directory group loses the group; a directory that can't be asked, or a run that would block most of
 * the source's people at once, changes nobody.
 */
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { Attribute, Change } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDirectoryAdmin, LDAP_BASE, LDAP_PEOPLE, ldapSettings, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { openIdpSubject, sealIdpSubject } from "@/lib/db/idp-subject";
import { activityEvents, oidcModels, users } from "@/lib/db/schema";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { directorySyncPass } from "@/lib/jobs";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { resolveSession } from "@/lib/sessions/sessions";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { setUserBlocked } from "@/lib/users/lifecycle";
import { getUser } from "@/lib/users/queries";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { toApiLdap } from "../api-shape";
import { ldapSourceRow } from "../records";
import { ldapInputSchema } from "../schemas";
import { syncDirectorySource } from "./directory-sync";
import { getLdapSource, saveLdapSource } from "./source";

let slapd: Slapd;
let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;
let engineeringId: string;
/** Latchkey user ids of the directory's people, by uid, after their first sign-in. */
const ids: Record<string, string> = {};

const PEOPLE_DN = `ou=people,${LDAP_BASE}`;
const ENGINEERS_DN = `cn=engineers,ou=groups,${LDAP_BASE}`;
/** People added to the fixture directory here, so that the source has more than a few. */
const EXTRA = ["fay", "gus", "hal", "ivy"].map((uid) => ({ uid, password: `${uid} directory passphrase`, email: `${uid}@example.org`, name: `${uid} Extra` }));

const settings = (more: Record<string, unknown> = {}) =>
  ldapInputSchema.parse(
    ldapSettings(slapd, {
      name: "Corp Directory",
      group_search_base: `ou=groups,${LDAP_BASE}`,
      group_mapping: [{ ldap_group: "engineers", group_id: engineeringId }],
      ...more,
    }),
  );


const sync = async () => syncDirectorySource((await ldapSourceRow(db(), accountId))!);

/** A grant with a refresh and an access token at an app, as the OIDC provider stores them. */
async function grantFor(userId: string): Promise<void> {
  const grantId = crypto.randomUUID();
  await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId: "lka_wiki" } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(crypto.randomUUID(), { accountId: userId, clientId: "lka_wiki", grantId } as never, 3600);
}
const appRows = (userId: string) => db().select({ name: oidcModels.name }).from(oidcModels).where(eq(oidcModels.userId, userId));
const mintToken = (userId: string) => writeSystem(async (tx) => (await mintAccessToken(tx, { accountId, userId, name: `ci-${crypto.randomUUID()}`, expiresInDays: 1, createdBy: userId })).plain);
const events = (action: string) => db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, action)));

/** Everything a person holds: a session, an access token, an app grant. */
async function access(uid: string, password: string) {
  const { sessionId, userId } = await signInWithPassword(uid, password, META);
  await grantFor(userId);
  return { sessionId, userId, token: await mintToken(userId) };
}
async function stillHas(held: Awaited<ReturnType<typeof access>>): Promise<boolean[]> {
  return [(await resolveSession(held.sessionId)) !== null, (await authenticateAccessToken(held.token)) !== null, (await appRows(held.userId)).length > 0];
}

beforeAll(async () => {
  slapd = await startSlapd();
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  engineeringId = (await createGroup(owner, { name: "Engineering" }, META)).id;
  await asDirectoryAdmin(slapd, async (client) => {
    for (const p of EXTRA) await client.add(`uid=${p.uid},${PEOPLE_DN}`, { objectClass: "inetOrgPerson", uid: p.uid, cn: p.name, sn: "Extra", mail: p.email, userPassword: p.password });
  });
  await saveLdapSource(owner, settings(), META);
  for (const p of [LDAP_PEOPLE.dora, LDAP_PEOPLE.eve, ...EXTRA]) ids[p.uid] = (await signInWithPassword(p.uid, p.password, META)).userId;
}, 60_000);

afterAll(async () => {
  await slapd?.stop();
});

describe("the periodic directory check", () => {
  it("changes nobody when the directory can't be reached or the service bind is refused, and says why", async () => {
    const dora = await access("dora", LDAP_PEOPLE.dora.password);
    for (const broken of [{ url: "ldap://127.0.0.1:1" }, { bind_password: "not the service password" }]) {
      await saveLdapSource(owner, settings(broken), META);
      expect(await sync()).toMatchObject({ status: "unavailable", checked: 6, suspended: 0, message: expect.any(String) });
      expect(await stillHas(dora)).toEqual([true, true, true]);
      expect((await userRow(dora.userId))!.isBlocked).toBe(false);
    }
    expect((await ldapSourceRow(db(), accountId))!).toMatchObject({ lastSyncAt: expect.any(Date), lastSyncOutcome: expect.objectContaining({ status: "unavailable" }) });
    await saveLdapSource(owner, settings(), META);
    expect(await sync()).toMatchObject({ status: "done", checked: 6, missing: 0, suspended: 0, groups_updated: 0 });
  });

  it("signs out and blocks a person whose entry left the directory: sessions, access tokens and app grants end", async () => {
    const dora = await access("dora", LDAP_PEOPLE.dora.password);
    const fay = await access("fay", EXTRA[0].password);
    const eve = await access("eve", LDAP_PEOPLE.eve.password);
    await asDirectoryAdmin(slapd, async (client) => {
      // Dora's entry moves out of the search base (it keeps its entryUUID); Fay's is deleted.
      await client.modifyDN(`uid=dora,${PEOPLE_DN}`, `uid=dora,ou=groups,${LDAP_BASE}`);
      await client.del(`uid=fay,${PEOPLE_DN}`);
    });

    expect(await sync()).toMatchObject({ status: "done", checked: 6, missing: 2, suspended: 2 });
    for (const gone of [dora, fay]) {
      expect(await stillHas(gone)).toEqual([false, false, false]);
      expect(await userRow(gone.userId)).toMatchObject({ isBlocked: true, directorySuspendedAt: expect.any(Date) });
    }
    expect(await stillHas(eve)).toEqual([true, true, true]);
    // The user's page says why they are blocked.
    expect(await getUser(owner, dora.userId)).toMatchObject({ isBlocked: true, directorySuspendedAt: expect.any(Date) });
    // Her three sign-ins here (two with an access token each) ended.
    const blocked = (await events("user.blocked")).filter((e) => e.targetId === dora.userId);
    expect(blocked).toHaveLength(1);
    expect(blocked[0].details).toMatchObject({ reason: "directory_entry_gone", sessions_ended: 3, tokens_deleted: 2 });
    expect((await events("ldap.sync.completed")).at(-1)!.details).toMatchObject({ checked: 6, missing: 2, suspended: 2 });
    // Blocked people aren't looked up again: the next run checks the others.
    expect(await sync()).toMatchObject({ status: "done", checked: 4, missing: 0, suspended: 0 });
    await expect(signInWithPassword("fay", EXTRA[0].password, META)).rejects.toThrow();
    // The API shows the last run to admins.
    expect(toApiLdap(await getLdapSource(owner))).toMatchObject({ last_sync: { at: expect.any(String), status: "done", checked: 4, suspended: 0 } });
  });

  it("leaves a person an admin unblocked to the admin: the directory's mark goes with the block", async () => {
    await setUserBlocked(owner, ids.fay, false, META);
    expect(await userRow(ids.fay)).toMatchObject({ isBlocked: false, directorySuspendedAt: null });
    // Fay's entry is still gone: the next check blocks her again.
    expect(await sync()).toMatchObject({ status: "done", checked: 5, suspended: 1 });
    expect(await userRow(ids.fay)).toMatchObject({ isBlocked: true, directorySuspendedAt: expect.any(Date) });
  });

  it("lets a person whose entry came back in at their next directory sign-in", async () => {
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(`uid=dora,ou=groups,${LDAP_BASE}`, `uid=dora,${PEOPLE_DN}`));
    const back = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    expect(back.userId).toBe(ids.dora);
    expect(await userRow(ids.dora)).toMatchObject({ isBlocked: false, directorySuspendedAt: null });
    expect((await events("user.unblocked")).at(-1)).toMatchObject({ targetId: ids.dora, details: expect.objectContaining({ reason: "directory_entry_back" }) });
    expect(await resolveSession(back.sessionId)).toMatchObject({ userId: ids.dora });
  });

  it("takes a mapped group away from someone the directory moved out of it, and gives it to who joined", async () => {
    expect(await groupIdsOfUser(db(), accountId, ids.eve)).toEqual([engineeringId]);
    await asDirectoryAdmin(slapd, (client) =>
      client.modify(ENGINEERS_DN, new Change({ operation: "replace", modification: new Attribute({ type: "member", values: [`uid=gus,${PEOPLE_DN}`] }) })),
    );
    expect(await sync()).toMatchObject({ status: "done", suspended: 0, groups_updated: 2 });
    expect(await groupIdsOfUser(db(), accountId, ids.eve)).toEqual([]);
    expect(await groupIdsOfUser(db(), accountId, ids.gus)).toEqual([engineeringId]);
    const update = (await events("user.updated")).filter((e) => e.targetId === ids.eve).at(-1)!;
    expect(update.details).toMatchObject({ via: "group_mapping", auto_groups: { from: [engineeringId], to: [] } });
  });

  it("changes nobody when most of the source's people would go at once (a filter that matches nobody), and records it once", async () => {
    const eve = await access("eve", LDAP_PEOPLE.eve.password);
    await saveLdapSource(owner, settings({ user_filter: "(&(objectClass=inetOrgPerson)(uid={username})(employeeType=nobody-has-this))" }), META);
    expect(await sync()).toMatchObject({ status: "guarded", checked: 5, missing: 5, suspended: 0, message: expect.stringContaining("5 of the 5") });
    expect(await sync()).toMatchObject({ status: "guarded" });
    expect(await stillHas(eve)).toEqual([true, true, true]);
    for (const uid of ["dora", "eve", "gus", "hal", "ivy"]) expect((await userRow(ids[uid]))!.isBlocked).toBe(false);
    expect(await events("ldap.sync.guarded")).toHaveLength(1);
    await saveLdapSource(owner, settings(), META);
    expect(await sync()).toMatchObject({ status: "done", missing: 0 });
  });

  it("keeps people whose entries lack the username attribute (a sign-in goes by what they typed)", async () => {
    await saveLdapSource(owner, settings({ username_attribute: "employeeNumber" }), META);
    expect(await sync()).toMatchObject({ status: "done", checked: 5, missing: 0, suspended: 0 });
    await saveLdapSource(owner, settings(), META);
  });

  it("never blocks the owner whose entry is gone (nothing could unblock them), and tells the admins once", async () => {
    // Ownership can go to a person who signs in through the directory.
    await writeSystem((tx) => tx.update(users).set({ role: "owner" }).where(eq(users.id, ids.ivy)));
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(`uid=ivy,${PEOPLE_DN}`, `uid=ivy,ou=groups,${LDAP_BASE}`));
    expect(await sync()).toMatchObject({ status: "done", checked: 5, missing: 1, suspended: 0, owner_entry_gone: true });
    expect(await userRow(ids.ivy)).toMatchObject({ isBlocked: false, directorySuspendedAt: null });
    expect(await sync()).toMatchObject({ owner_entry_gone: true });
    expect(await events("ldap.sync.owner_entry_gone")).toHaveLength(1);
    expect((await ldapSourceRow(db(), accountId))!.lastSyncOutcome).toMatchObject({ owner_entry_gone: true });
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(`uid=ivy,ou=groups,${LDAP_BASE}`, `uid=ivy,${PEOPLE_DN}`));
    expect(await sync()).toMatchObject({ status: "done", missing: 0, owner_entry_gone: false });
    await writeSystem((tx) => tx.update(users).set({ role: "user" }).where(eq(users.id, ids.ivy)));
  });

  it("makes a directory block an admin's when an admin blocks the person: their next directory sign-in doesn't lift it", async () => {
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(`uid=hal,${PEOPLE_DN}`, `uid=hal,ou=groups,${LDAP_BASE}`));
    expect(await sync()).toMatchObject({ status: "done", suspended: 1 });
    expect(await userRow(ids.hal)).toMatchObject({ isBlocked: true, directorySuspendedAt: expect.any(Date) });
    await setUserBlocked(owner, ids.hal, true, META);
    expect(await userRow(ids.hal)).toMatchObject({ isBlocked: true, directorySuspendedAt: null });
    const takenOver = (await events("user.blocked")).filter((e) => e.targetId === ids.hal && (e.details as { reason?: string } | null)?.reason === "directory_block_taken_over");
    expect(takenOver).toEqual([expect.objectContaining({ actorId: owner.userId })]);
    await asDirectoryAdmin(slapd, (client) => client.modifyDN(`uid=hal,ou=groups,${LDAP_BASE}`, `uid=hal,${PEOPLE_DN}`));
    await expect(signInWithPassword("hal", EXTRA[2].password, META)).rejects.toThrow();
    expect((await userRow(ids.hal))!.isBlocked).toBe(true);
    await setUserBlocked(owner, ids.hal, false, META);
  });

  it("leaves alone, as not checked, people it can't match reliably: bound by a username the entry lacks, or by a malformed id", async () => {
    const subjectOf = async (uid: string) => openIdpSubject((await userRow(ids[uid]))!)!;
    const sourceId = (await ldapSourceRow(db(), accountId))!.id;
    const before = { gus: await subjectOf("gus"), hal: await subjectOf("hal") };
    const bindTo = (uid: string, subject: string) => writeSystem((tx) => tx.update(users).set(sealIdpSubject(ids[uid], sourceId, subject)).where(eq(users.id, ids[uid])));
    // Gus was bound by username before ids were read; Hal's id was stored malformed.
    await bindTo("gus", "gus");
    await bindTo("hal", "objectguid:not-hex");
    try {
      expect(await sync()).toMatchObject({ status: "done", missing: 0, suspended: 0 });
      await saveLdapSource(owner, settings({ username_attribute: "employeeNumber" }), META);
      expect(await sync()).toMatchObject({ status: "done", checked: 3, not_checked: 2, missing: 0, suspended: 0 });
      for (const uid of ["gus", "hal"]) expect((await userRow(ids[uid]))!.isBlocked).toBe(false);
    } finally {
      await saveLdapSource(owner, settings(), META);
      await bindTo("gus", before.gus);
      await bindTo("hal", before.hal);
    }
  });

  it("runs on one replica at a time, under its lease", async () => {
    const first = await directorySyncPass({ holder: "replica-a" });
    expect(first).toMatchObject({ ran: true, result: [expect.objectContaining({ outcome: expect.objectContaining({ status: "done" }) })] });
    expect(await directorySyncPass({ holder: "replica-b" })).toEqual({ ran: false });
  });

  it("runs once at a time in one process: a tick that comes while a run is going skips it (review 21)", async () => {
    // With LDAP_SYNC_INTERVAL_MINUTES=1 the first run and the first tick both came at 60 s: both ran (the lease is
    // this process's), and the second's "0 blocked" was the last outcome recorded over the first's "1 blocked".
    const both = await Promise.all([directorySyncPass({ holder: "replica-a" }), directorySyncPass({ holder: "replica-a" })]);
    expect(both.map((r) => r.ran).sort()).toEqual([false, true]);
  });
});
