import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, groups, userGroups, type Role } from "@/lib/db/schema";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { listUsers, userFiltersSchema } from "@/lib/users/queries";
import { createAccount, createUser, META, startSession, withClient } from "@/test/factories";
import { createGroup, deleteGroup, renameGroup } from "./groups";
import { groupIdsOfUser, setUserGroups } from "./membership";
import { getGroup, listGroups } from "./queries";

const ALL = { limit: 1000, offset: 0 };

/** A signed-in actor with a real session row (writes re-check the session under the write lock). */
async function actorFor(user: { id: string; accountId: string; role: Role }): Promise<SessionActor> {
  return { ...(await startSession(user)), role: user.role };
}

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let auditor: SessionActor;
let member: SessionActor;
let memberEmail: string;
/** The owner of a second account, for cross-account checks. */
let stranger: SessionActor;

beforeAll(async () => {
  const setup = await completeSetup(
    setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }),
    META,
  );
  accountId = setup.account_id;
  owner = await actorFor({ id: setup.user_id, accountId, role: "owner" });
  admin = await actorFor(await createUser(accountId, { role: "admin", name: "Ada Admin" }));
  auditor = await actorFor(await createUser(accountId, { role: "auditor", name: "Aude Auditor" }));
  const m = await createUser(accountId, { role: "user", name: "Mia Member", email: "mia@example.com" });
  memberEmail = m.email;
  member = await actorFor(m);
  const otherAccount = await createAccount();
  stranger = await actorFor(await createUser(otherAccount, { role: "owner", name: "Sam Stranger" }));
});

async function join(userId: string, ...groupIds: string[]) {
  await writeSystem(async (tx) => setUserGroups(tx, accountId, userId, [...(await groupIdsOfUser(tx, accountId, userId)), ...groupIds]));
}

async function eventsFor(groupId: string) {
  return (await db().select().from(activityEvents).where(eq(activityEvents.targetId, groupId))).map(withClient);
}

let nameCounter = 0;
const uniqueName = (prefix = "Group") => `${prefix} ${++nameCounter}`;

describe("createGroup", () => {
  it("stores a trimmed name and records group.created with the actor, in the group's account", async () => {
    const group = await createGroup(owner, { name: "  Engineering  " }, META);

    expect(group).toMatchObject({ name: "Engineering", accountId, usersCount: 0 });
    const row = (await db().select().from(groups).where(eq(groups.id, group.id)).limit(1))[0];
    expect(row).toMatchObject({ name: "Engineering", accountId });
    expect(await eventsFor(group.id)).toEqual([
      expect.objectContaining({
        accountId,
        action: "group.created",
        actorType: "user",
        actorId: owner.userId,
        targetType: "group",
        ip: META.ip,
      }),
    ]);
  });

  it("lets admins create groups", async () => {
    expect((await createGroup(admin, { name: uniqueName() }, META)).id).toBeTruthy();
  });

  it.each([
    ["an auditor", () => auditor],
    ["a user", () => member],
  ])("refuses %s and writes nothing", async (_, who) => {
    const name = uniqueName("Refused");
    await expect(createGroup(who(), { name }, META)).rejects.toThrow(Forbidden);
    expect((await db().select().from(groups).where(eq(groups.name, name)))).toEqual([]);
  });

  it.each(["engineering", "ENGINEERING", " Engineering ", "EnGiNeErInG"])(
    "refuses %j when Engineering exists (names are unique regardless of case)",
    async (name) => {
      const before = (await db().select().from(groups).where(eq(groups.accountId, accountId))).length;
      const error = await (async () => {
        try {
          await createGroup(owner, { name }, META);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(Conflict);
      expect((error as Conflict).message).toBe("A group with this name already exists");
      // The name field's: a form says it there only (lib/forms/action-errors.ts), the API names it in "errors".
      expect((error as Conflict).fieldErrors).toEqual({ name: ["A group with this name already exists"] });
      expect((await db().select().from(groups).where(eq(groups.accountId, accountId)))).toHaveLength(before);
    },
  );

  it("compares non-ASCII names regardless of case too", async () => {
    await createGroup(owner, { name: "Équipe" }, META);
    await expect(createGroup(owner, { name: "ÉQUIPE" }, META)).rejects.toThrow(Conflict);
    await expect(createGroup(owner, { name: "équipe" }, META)).rejects.toThrow(Conflict);
  });

  it("allows the same name in another account", async () => {
    expect((await createGroup(stranger, { name: "Engineering" }, META)).accountId).toBe(stranger.accountId);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["65 characters", "x".repeat(65)],
  ])("refuses a name that is %s with a field error on name", async (_, name) => {
    const error = await (async () => {
      try {
        await createGroup(owner, { name }, META);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).fieldErrors.name?.length).toBeGreaterThan(0);
  });

  it("accepts a name of exactly 64 characters", async () => {
    expect((await createGroup(owner, { name: "y".repeat(64) }, META)).name).toHaveLength(64);
  });
});

describe("renameGroup", () => {
  it("renames and records group.renamed with from and to", async () => {
    const group = await createGroup(owner, { name: "Support" }, META);
    const renamed = await renameGroup(admin, group.id, { name: " Customer Support " }, META);

    expect(renamed).toMatchObject({ id: group.id, name: "Customer Support" });
    expect((await getGroup(owner, group.id)).name).toBe("Customer Support");
    const event = (await eventsFor(group.id)).find((e) => e.action === "group.renamed");
    expect(event).toMatchObject({ actorId: admin.userId, details: { from: "Support", to: "Customer Support" } });
  });

  it("lets a group change only the case of its own name", async () => {
    const group = await createGroup(owner, { name: "ops team" }, META);
    expect((await renameGroup(owner, group.id, { name: "Ops Team" }, META)).name).toBe("Ops Team");
  });

  it("refuses a name another group has, in any case", async () => {
    const a = await createGroup(owner, { name: uniqueName("Alpha") }, META);
    const b = await createGroup(owner, { name: uniqueName("Beta") }, META);
    await expect(renameGroup(owner, b.id, { name: a.name.toUpperCase() }, META)).rejects.toThrow(Conflict);
    expect((await getGroup(owner, b.id)).name).toBe(b.name);
  });

  it("records nothing when the name does not change", async () => {
    const group = await createGroup(owner, { name: uniqueName() }, META);
    await renameGroup(owner, group.id, { name: `  ${group.name}` }, META);
    expect((await eventsFor(group.id)).map((e) => e.action)).toEqual(["group.created"]);
  });

  it("is not found for unknown ids and other accounts' groups", async () => {
    const theirs = await createGroup(stranger, { name: uniqueName("Theirs") }, META);
    await expect(renameGroup(owner, "no-such-group", { name: "X" }, META)).rejects.toThrow(NotFound);
    await expect(renameGroup(owner, theirs.id, { name: "Hijacked" }, META)).rejects.toThrow(NotFound);
    expect((await getGroup(stranger, theirs.id)).name).toBe(theirs.name);
  });

  it("refuses auditors and users, even for a group they are in", async () => {
    const group = await createGroup(owner, { name: uniqueName() }, META);
    await join(member.userId, group.id);
    await expect(renameGroup(auditor, group.id, { name: uniqueName() }, META)).rejects.toThrow(Forbidden);
    await expect(renameGroup(member, group.id, { name: uniqueName() }, META)).rejects.toThrow(Forbidden);
  });

  it("refuses an empty or overlong name", async () => {
    const group = await createGroup(owner, { name: uniqueName() }, META);
    await expect(renameGroup(owner, group.id, { name: " " }, META)).rejects.toThrow(Invalid);
    await expect(renameGroup(owner, group.id, { name: "z".repeat(65) }, META)).rejects.toThrow(Invalid);
  });
});

describe("deleteGroup", () => {
  it("removes the group and its memberships, keeps the users, and records group.deleted", async () => {
    const group = await createGroup(owner, { name: uniqueName("Doomed") }, META);
    const keep = await createGroup(owner, { name: uniqueName("Kept") }, META);
    await join(member.userId, group.id, keep.id);
    await join(admin.userId, group.id);

    await deleteGroup(owner, group.id, META);

    expect((await db().select().from(groups).where(eq(groups.id, group.id)).limit(1))[0]).toBeUndefined();
    expect((await db().select().from(userGroups).where(eq(userGroups.groupId, group.id)))).toEqual([]);
    expect(await groupIdsOfUser(db(), accountId, member.userId)).toContain(keep.id);
    expect(await groupIdsOfUser(db(), accountId, member.userId)).not.toContain(group.id);
    expect((await eventsFor(group.id)).at(-1)).toMatchObject({
      action: "group.deleted",
      actorId: owner.userId,
      details: { users_removed: 2 },
    });
    await expect(getGroup(owner, group.id)).rejects.toThrow(NotFound);
  });

  it("drops the group from the users list", async () => {
    const group = await createGroup(owner, { name: uniqueName("Directory") }, META);
    await join(member.userId, group.id);
    const groupsOfMember = async () =>
      (await listUsers(owner, userFiltersSchema.parse({}))).items.find((u) => u.id === member.userId)?.autoGroups;
    expect(await groupsOfMember()).toContain(group.id);

    await deleteGroup(admin, group.id, META);

    expect(await groupsOfMember()).not.toContain(group.id);
  });

  it("is not found for unknown ids and other accounts' groups, which stay", async () => {
    const theirs = await createGroup(stranger, { name: uniqueName("Theirs") }, META);
    await expect(deleteGroup(owner, "no-such-group", META)).rejects.toThrow(NotFound);
    await expect(deleteGroup(owner, theirs.id, META)).rejects.toThrow(NotFound);
    expect((await getGroup(stranger, theirs.id)).id).toBe(theirs.id);
  });

  it("refuses auditors and users", async () => {
    const group = await createGroup(owner, { name: uniqueName() }, META);
    await expect(deleteGroup(auditor, group.id, META)).rejects.toThrow(Forbidden);
    await expect(deleteGroup(member, group.id, META)).rejects.toThrow(Forbidden);
    expect((await getGroup(owner, group.id)).id).toBe(group.id);
  });
});

describe("listGroups and getGroup", () => {
  let shared: { id: string; name: string };
  let adminsOnly: { id: string; name: string };

  beforeAll(async () => {
    shared = await createGroup(owner, { name: "zz Shared" }, META);
    adminsOnly = await createGroup(owner, { name: "zz Admins only" }, META);
    await join(member.userId, shared.id);
    await join(admin.userId, shared.id, adminsOnly.id);
  });

  it("shows the owner, admins and auditors every group of the account with member counts, sorted by name", async () => {
    for (const actor of [owner, admin, auditor]) {
      const { items, total } = await listGroups(actor, ALL);
      const all = (await db().select().from(groups).where(eq(groups.accountId, accountId)));
      expect(total).toBe(all.length);
      expect(items.every((g) => g.accountId === accountId)).toBe(true);
      const names = items.map((g) => g.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base", numeric: true })));
      expect(items.find((g) => g.id === shared.id)?.usersCount).toBe(2);
      expect(items.find((g) => g.id === adminsOnly.id)?.usersCount).toBe(1);
    }
  });

  it("shows users only the groups they belong to", async () => {
    const { items, total } = await listGroups(member, ALL);
    expect(items.map((g) => g.id).sort()).toEqual((await groupIdsOfUser(db(), accountId, member.userId)).sort());
    expect(items.map((g) => g.id)).toContain(shared.id);
    expect(items.map((g) => g.id)).not.toContain(adminsOnly.id);
    expect(total).toBe(items.length);
  });

  it("never lists another account's groups", async () => {
    const theirs = await createGroup(stranger, { name: uniqueName("Elsewhere") }, META);
    expect((await listGroups(owner, ALL)).items.map((g) => g.id)).not.toContain(theirs.id);
    expect((await listGroups(stranger, ALL)).items.every((g) => g.accountId === stranger.accountId)).toBe(true);
  });

  it("searches names regardless of case and pages with limit and offset", async () => {
    const found = await listGroups(owner, { ...ALL, search: "ZZ " });
    expect(found.items.map((g) => g.name)).toEqual(["zz Admins only", "zz Shared"]);
    const page = await listGroups(owner, { search: "zz", limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 2, items: [expect.objectContaining({ name: "zz Shared" })] });
  });

  it("finds one group by its exact name (NetBird's GetByName), and none is not found", async () => {
    const found = await listGroups(owner, { offset: 0, name: "zz Shared" });
    expect(found.items.map((g) => g.name)).toEqual(["zz Shared"]);
    // Exact: not a substring, not another case.
    await expect(listGroups(owner, { offset: 0, name: "zz" })).rejects.toThrow(NotFound);
    await expect(listGroups(owner, { offset: 0, name: "ZZ SHARED" })).rejects.toThrow(NotFound);
  });

  it("without a limit returns every group, not a first page", async () => {
    const before = (await listGroups(owner, { offset: 0 })).total;
    for (let i = 0; i < 105; i++) await createGroup(owner, { name: `bulk ${String(i).padStart(3, "0")}` }, META);
    const all = await listGroups(owner, { offset: 0 });
    expect(all.total).toBe(before + 105);
    expect(all.items).toHaveLength(before + 105);
    for (let i = 0; i < 105; i++) await deleteGroup(owner, all.items.find((g) => g.name === `bulk ${String(i).padStart(3, "0")}`)!.id, META);
  });

  it("accepts NetBird's empty peers and resources, and refuses peers it can't keep", async () => {
    const g = await createGroup(owner, { name: "with peers field", peers: [], resources: null }, META);
    expect(g.name).toBe("with peers field");
    await expect(createGroup(owner, { name: "peer group", peers: ["peer-1"] }, META)).rejects.toThrow(Invalid);
    await deleteGroup(owner, g.id, META);
  });

  it("returns members with decrypted names and emails", async () => {
    const group = await getGroup(auditor, shared.id);
    expect(group.usersCount).toBe(2);
    expect(group.members).toEqual(
      expect.arrayContaining([
        { id: member.userId, name: "Mia Member", email: memberEmail },
        expect.objectContaining({ id: admin.userId, name: "Ada Admin" }),
      ]),
    );
    expect(group.members).toHaveLength(2);
  });

  it("shows a user only themselves among a group's members, and hides groups they are not in", async () => {
    const group = await getGroup(member, shared.id);
    expect(group.members).toEqual([{ id: member.userId, name: "Mia Member", email: memberEmail }]);
    await expect(getGroup(member, adminsOnly.id)).rejects.toThrow(NotFound);
  });

  it("is not found for unknown ids and other accounts' groups", async () => {
    const theirs = await createGroup(stranger, { name: uniqueName("Private") }, META);
    await expect(getGroup(owner, theirs.id)).rejects.toThrow(NotFound);
    await expect(getGroup(owner, "no-such-group")).rejects.toThrow(NotFound);
  });
});
