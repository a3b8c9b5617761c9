/** Names of records stored before the one-line rule are cleaned once, on record (./record-name-cleanup.ts). */
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { createApplication } from "@/lib/applications/applications";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accessTokens, activityEvents, applications, groups, identityProviders, ldapSources, mailSettings, meta, roles } from "@/lib/db/schema";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { createGroup } from "@/lib/groups/groups";
import { createRole } from "@/lib/roles/roles";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { META, startSession } from "@/test/factories";
import { cleanedName, cleanStoredRecordNames, RECORD_NAMES_CLEANED } from "./record-name-cleanup";

let owner: SessionActor;
let accountId: string;

beforeAll(async () => {
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@names.example", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
});

/** Stores a name as an older Latchkey let it be stored (no one-line rule), and forgets that the pass has run. */
async function storeAsBefore<T extends typeof groups | typeof roles | typeof applications | typeof accessTokens>(table: T, id: string, name: string): Promise<void> {
  await writeSystem(async (tx) => {
    await tx.update(table as typeof groups).set({ name }).where(eq((table as typeof groups).id, id));
    await tx.delete(meta).where(eq(meta.key, RECORD_NAMES_CLEANED));
  });
}

async function eventsOf(targetId: string) {
  return db().select().from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.targetId, targetId)));
}

describe("the stored record names' cleanup", () => {
  it("cleans a group's name, keeps it unique beside one already named so, records the old name escaped; once", async () => {
    await createGroup(owner, { name: "Ops Admins" }, META);
    const group = await createGroup(owner, { name: "ops-admins-old" }, META);
    const quiet = await createGroup(owner, { name: "Quiet  ones" }, META);
    await storeAsBefore(groups, group.id, "ops \n\u202Eadmins\t");
    expect(await cleanStoredRecordNames()).toBe(1);
    const [row] = await db().select().from(groups).where(eq(groups.id, group.id));
    // "ops admins" is "Ops Admins" in another case: names of groups are unique in any case.
    expect(row.name).toBe("ops admins (2)");
    const [untouched] = await db().select().from(groups).where(eq(groups.id, quiet.id));
    expect(untouched.name).toBe("Quiet  ones");
    const [event] = (await eventsOf(group.id)).filter((e) => e.action === "group.renamed");
    expect(event).toMatchObject({ actorType: "system" });
    expect(event.details).toEqual({ from: "ops \\u000a\\u202eadmins\\u0009", to: "ops admins (2)" });
    expect(hasUnsafeDisplayCharacters(JSON.stringify(event.details))).toBe(false);
    expect(await db().select().from(meta).where(eq(meta.key, RECORD_NAMES_CLEANED))).toHaveLength(1);
    // Later passes read one row: a name stored the old way now stays as it is.
    await writeSystem(async (tx) => {
      await tx.update(groups).set({ name: "late\nname" }).where(eq(groups.id, quiet.id));
    });
    expect(await cleanStoredRecordNames()).toBe(0);
    await writeSystem(async (tx) => {
      await tx.update(groups).set({ name: "Quiet  ones" }).where(eq(groups.id, quiet.id));
    });
  });

  it("gives a name of nothing but unsafe characters a fallback, and a role never takes a built-in role's name", async () => {
    const blank = await createGroup(owner, { name: "to be blank" }, META);
    const role = await createRole(owner, { name: "Night shift", description: "", permissions: [] }, META);
    await storeAsBefore(groups, blank.id, "\u202E\n\t");
    await storeAsBefore(roles, role.id, "Admin\n");
    expect(await cleanStoredRecordNames()).toBe(2);
    const [group] = await db().select().from(groups).where(eq(groups.id, blank.id));
    expect(group.name).toBe(`Group ${blank.id.replace(/-/g, "").slice(0, 8)}`);
    const [roleRow] = await db().select().from(roles).where(eq(roles.id, role.id));
    expect(roleRow.name).toBe("Admin (2)");
    expect((await eventsOf(role.id)).find((e) => e.action === "role.updated")?.details).toEqual({ changed: ["name"], name: { from: "Admin\\u000a", to: "Admin (2)" } });
  });

  it("cleans applications', identity providers', the directory's, tokens' and the mail sender's names", async () => {
    const app = (await createApplication(owner, { name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/cb"] } as Parameters<typeof createApplication>[1], META)).application;
    const token = { id: crypto.randomUUID() };
    const idpId = crypto.randomUUID();
    const ldapId = crypto.randomUUID();
    await writeSystem(async (tx) => {
      const expiresAt = new Date(Date.now() + 86_400_000);
      for (const [id, name] of [[token.id, "ci"], [crypto.randomUUID(), "deploy bot"]]) {
        await tx.insert(accessTokens).values({ id, accountId, userId: owner.userId, name, tokenDigest: crypto.randomBytes(32).toString("hex"), expiresAt, createdBy: owner.userId });
      }
      await tx.insert(identityProviders).values({ id: idpId, accountId, type: "oidc", name: "Corp\r\nSSO", issuer: "https://sso.example.com", clientId: "c", clientSecretCiphertext: "x", scopes: "openid", updatedAt: new Date() });
      await tx.insert(ldapSources).values({
        id: ldapId, accountId, name: "\u2067Directory\u2069", url: "ldap://ldap.example.com", bindDn: "cn=a", searchBase: "dc=example", userFilter: "(uid={username})",
        usernameAttribute: "uid", emailAttribute: "mail", nameAttribute: "cn", groupFilter: "(member={dn})", groupNameAttribute: "cn", updatedAt: new Date(),
      });
      await tx.insert(mailSettings).values({ accountId, fromName: "\n\u202E", updatedAt: new Date() }).onConflictDoUpdate({ target: mailSettings.accountId, set: { fromName: "\n\u202E" } });
    });
    await storeAsBefore(applications, app.id, "Grafana\n(prod)");
    await storeAsBefore(accessTokens, token.id, "deploy\tbot");
    expect(await cleanStoredRecordNames()).toBe(5);
    expect((await db().select().from(applications).where(eq(applications.id, app.id)))[0].name).toBe("Grafana (prod)");
    expect((await db().select().from(identityProviders).where(eq(identityProviders.id, idpId)))[0].name).toBe("Corp SSO");
    expect((await db().select().from(ldapSources).where(eq(ldapSources.id, ldapId)))[0].name).toBe("Directory");
    // Token names are unique per person: "deploy bot" is taken.
    expect((await db().select().from(accessTokens).where(eq(accessTokens.id, token.id)))[0].name).toBe("deploy bot (2)");
    // A sender name of nothing visible is no sender name: mails go out under the instance's.
    expect((await db().select().from(mailSettings).where(eq(mailSettings.accountId, accountId)))[0].fromName).toBeNull();
    const actions = (await db().select({ action: activityEvents.action, targetId: activityEvents.targetId }).from(activityEvents).where(eq(activityEvents.accountId, accountId))).filter((e) =>
      [app.id, idpId, ldapId, token.id, accountId].includes(e.targetId ?? ""),
    );
    for (const action of ["application.updated", "identity_provider.updated", "ldap.updated", "token.renamed", "settings.email.updated"]) expect(actions.map((a) => a.action)).toContain(action);
  });
});

describe("the maintenance pass", () => {
  it("runs the cleanup (lib/jobs.ts runMaintenance)", async () => {
    const group = await createGroup(owner, { name: "from maintenance" }, META);
    await storeAsBefore(groups, group.id, "from\nmaintenance");
    const { runMaintenance } = await import("@/lib/jobs");
    await runMaintenance();
    expect((await db().select().from(groups).where(eq(groups.id, group.id)))[0].name).toBe("from maintenance");
  });
});

describe("cleanedName", () => {
  it("keeps a suffixed name within the kind's length", () => {
    const taken = new Set(["x".repeat(10)]);
    expect(cleanedName({ noun: "Group", max: 10 }, "id", `${"x".repeat(10)}\n`, taken)).toBe(`${"x".repeat(6)} (2)`);
  });
});
