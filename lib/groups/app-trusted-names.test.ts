/**
 * Apps trust group names (the `groups` claim: Grafana maps "grafana-admins" to its admin role), so a group name in
 * someone's claim must come from someone who could put them in that group. The review found a member allowed to
 * rename a group (a network admin: groups:update without users:update) renaming their own group "grafana-admins".
 * The rule (lib/auth/escalation.ts: assertMayChangeOwnGroups, assertMayRenameGroupWith, assertMayPutInGroups): who
 * is in a group under which name is each member's groups. Joining, leaving, renaming a group with members, and
 * creating a person in groups need users:update (on people the actor outranks), and nobody but the owner does any
 * of it to themselves (as nobody changes their own roles). Names also can't pass for each other: compared as
 * usernames are (full case folding), and a new name keeps to one script.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { setGroupMembership } from "@/lib/users/group-members";
import { createUser as addPerson, updateUser } from "@/lib/users/lifecycle";
import { createUserSchema } from "@/lib/users/schemas";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createGroup, renameGroup } from "./groups";
import { groupIdsOfUser } from "./membership";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let networkAdmin: SessionActor;
/** A custom role that manages people's groups and nothing about groups themselves. */
let membershipManager: SessionActor;
let person: { id: string };
/** A custom role that adds people and nothing more. */
let recruiter: SessionActor;

let n = 0;
const fresh = (prefix: string) => `${prefix} ${++n}`;

async function groupWith(name: string, ...memberIds: string[]): Promise<string> {
  const group = await createGroup(owner, { name }, META);
  for (const id of memberIds) await setGroupMembership(owner, group.id, id, true, META);
  return group.id;
}

const groupsOf = (userId: string) => groupIdsOfUser(db(), accountId, userId);

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  networkAdmin = await startSession(await createUser(accountId, { role: "network_admin" }));
  const role = await createRole(owner, { name: "Membership manager", description: "", permissions: ["users:read", "users:update"] }, META);
  const manager = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, manager.id, { role_ids: [role.id] }, META);
  membershipManager = await startSession(manager);
  person = await createUser(accountId, { role: "user" });
  const recruiting = await createRole(owner, { name: "Recruiter", description: "", permissions: ["users:read", "users:create"] }, META);
  const recruiterUser = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, recruiterUser.id, { role_ids: [recruiting.id] }, META);
  recruiter = await startSession(recruiterUser);
}, 60_000);

describe("renaming a group is changing its members' groups", { timeout: 60_000 }, () => {
  it("refuses a network admin renaming their own group to the name an app maps to admin", async () => {
    const devs = await groupWith(fresh("Devs"), networkAdmin.userId);
    await expect(renameGroup(networkAdmin, devs, { name: "grafana-admins" }, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("refuses renaming a group with members to whoever can't manage those members' groups", async () => {
    const contractors = await groupWith(fresh("Contractors"), person.id);
    const refusal = await renameGroup(networkAdmin, contractors, { name: fresh("grafana-admins") }, META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Forbidden);
    expect((refusal as Forbidden).message).toBe("Renaming a group with members needs permission to manage users: apps trust group names");
  });

  it("still lets a network admin rename an empty group", async () => {
    const empty = await groupWith(fresh("Empty"));
    expect((await renameGroup(networkAdmin, empty, { name: fresh("Still empty") }, META)).id).toBe(empty);
  });

  it("refuses an admin renaming a group they are in, and lets them rename one they are not in", async () => {
    const theirs = await groupWith(fresh("Admins' group"), admin.userId, person.id);
    const refusal = await renameGroup(admin, theirs, { name: fresh("grafana-admins") }, META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Forbidden);
    expect((refusal as Forbidden).message).toBe("You can't rename a group you are in: apps trust group names; ask another admin");
    const others = await groupWith(fresh("Others"), person.id);
    expect((await renameGroup(admin, others, { name: fresh("Renamed") }, META)).id).toBe(others);
  });

  it("lets the owner rename a group they are in", async () => {
    const mine = await groupWith(fresh("Owner's"), owner.userId, person.id);
    expect((await renameGroup(owner, mine, { name: fresh("Owner's renamed") }, META)).id).toBe(mine);
  });
});

describe("nobody but the owner changes their own groups", { timeout: 60_000 }, () => {
  it("refuses someone who manages memberships adding themselves, from the group's page and the user's", async () => {
    const target = await groupWith(fresh("grafana-admins"));
    for (const actor of [membershipManager, admin]) {
      const refusal = await setGroupMembership(actor, target, actor.userId, true, META).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(Forbidden);
      expect((refusal as Forbidden).message).toBe("You can't change your own groups: apps trust them; ask another admin");
      await expect(updateUser(actor, actor.userId, { auto_groups: [target] }, META)).rejects.toBeInstanceOf(Forbidden);
      expect(await groupsOf(actor.userId)).not.toContain(target);
    }
  });

  it("refuses leaving a group oneself (a group can be what an app or the two-factor requirement holds someone to)", async () => {
    const held = await groupWith(fresh("Contractors"), membershipManager.userId);
    await expect(setGroupMembership(membershipManager, held, membershipManager.userId, false, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(updateUser(membershipManager, membershipManager.userId, { auto_groups: [] }, META)).rejects.toBeInstanceOf(Forbidden);
    expect(await groupsOf(membershipManager.userId)).toContain(held);
  });

  it("refuses creating a group with a free name and joining it", async () => {
    const created = await createGroup(admin, { name: fresh("gitea-admins") }, META);
    await expect(setGroupMembership(admin, created.id, admin.userId, true, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("still lets them change someone else's groups, and the owner their own", async () => {
    const target = await groupWith(fresh("On call"));
    await setGroupMembership(membershipManager, target, person.id, true, META);
    await setGroupMembership(owner, target, owner.userId, true, META);
    expect(await groupsOf(person.id)).toContain(target);
    expect(await groupsOf(owner.userId)).toContain(target);
    // Editing one's own name with the groups sent back unchanged is no change of groups.
    const before = await groupsOf(admin.userId);
    await updateUser(admin, admin.userId, { name: "Ada Renamed", auto_groups: before }, META);
  });
});

describe("group names don't pass for each other", { timeout: 60_000 }, () => {
  it("refuses a name that differs only by case, by full case folding (dotless ı) or Unicode form", async () => {
    const name = fresh("grafana-admins");
    await groupWith(name);
    for (const lookAlike of [name.toUpperCase(), name.replace("i", "ı"), name.replace("a", "ａ")]) {
      await expect(createGroup(owner, { name: lookAlike }, META)).rejects.toBeInstanceOf(Conflict);
    }
  });

  it("refuses a new name mixing alphabets (a Cyrillic а among Latin letters), on create and rename", async () => {
    const cyrillic = "gr\u0430fana-admins";
    const refusal = await createGroup(owner, { name: cyrillic }, META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Invalid);
    expect((refusal as Invalid).fieldErrors.name).toEqual(["A group name can't mix alphabets, e.g. Latin and Cyrillic letters"]);
    const empty = await groupWith(fresh("Plain"));
    await expect(renameGroup(owner, empty, { name: cyrillic }, META)).rejects.toBeInstanceOf(Invalid);
    // One alphabet, and Latin with Japanese writing, are names like any other.
    expect((await createGroup(owner, { name: "Команда" }, META)).name).toBe("Команда");
    expect((await createGroup(owner, { name: "Tokyo 東京チーム" }, META)).name).toBe("Tokyo 東京チーム");
  });

  it("refuses a new name with a comma, on create and rename: apps that get groups as one line read it as two", async () => {
    // Apache's mod_auth_openidc hands the app OIDC_CLAIM_groups joined with "," (e2e/apache-openidc.spec.ts),
    // so "ops,wiki-admins" would read as "wiki-admins" there.
    const admins = fresh("wiki-admins");
    await groupWith(admins);
    for (const name of [`ops,${admins}`, `ops\uff0c${admins}`]) {
      const refusal = await createGroup(owner, { name }, META).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(Invalid);
      expect((refusal as Invalid).fieldErrors.name).toEqual(["A group name can't contain a comma"]);
    }
    const empty = await groupWith(fresh("Plain"));
    await expect(renameGroup(owner, empty, { name: `ops, ${admins}` }, META)).rejects.toBeInstanceOf(Invalid);
    // Other punctuation is a name like any other.
    expect((await createGroup(owner, { name: fresh("Ops; night shift (EU)") }, META)).name).toMatch(/^Ops; night shift \(EU\)/);
  });

  it("refuses a new name with an invisible character, on create and rename: it reads as the name without it (review 22)", async () => {
    // "wiki\u200badmins" showed in the dashboard and in app-access pickers exactly as "wikiadmins", and
    // neither the case folding nor the one-alphabet rule saw it.
    const admins = fresh("wikiadmins");
    await groupWith(admins);
    const invisible = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\ufe0f", "\u3164"];
    for (const c of invisible) {
      const refusal = await createGroup(owner, { name: `wiki${c}${admins.slice(4)}` }, META).catch((e: unknown) => e);
      expect(refusal, JSON.stringify(c)).toBeInstanceOf(Invalid);
      expect((refusal as Invalid).fieldErrors.name).toEqual(["A group name can't contain invisible characters"]);
    }
    const empty = await groupWith(fresh("Plain"));
    await expect(renameGroup(owner, empty, { name: `Plain\u200b${n}` }, META)).rejects.toBeInstanceOf(Invalid);
    // Visible spaces and marks that combine with a letter are names like any other.
    expect((await createGroup(owner, { name: fresh("Café crème") }, META)).name).toMatch(/^Café crème/);
    expect((await createGroup(owner, { name: fresh("Cafe\u0301 team") }, META)).name).toMatch(/^Caf/);
  });
});

describe("a new person's groups are given by someone who manages people's groups", { timeout: 60_000 }, () => {
  it("refuses someone who may only add people creating a person (whose first password they see) in a group", async () => {
    const target = await groupWith(fresh("grafana-admins"));
    const input = (email: string, auto_groups: string[]) => createUserSchema.parse({ email, role: "user", auto_groups });
    const refusal = await addPerson(recruiter, input(`puppet${n}@example.com`, [target]), META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Forbidden);
    expect((refusal as Forbidden).message).toBe("Putting people in groups needs permission to manage users: apps trust group names");
    // Without groups, and for an admin (who may put anyone in them), creating works as before.
    expect((await addPerson(recruiter, input(`new${n}@example.com`, []), META)).user.autoGroups).toEqual([]);
    expect((await addPerson(admin, input(`hire${n}@example.com`, [target]), META)).user.autoGroups).toEqual([target]);
  });
});
