import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db, writeTransaction } from "@/lib/db/client";
import { activityEvents, groups, userGroups, type Role } from "@/lib/db/schema";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { directoryEntries, refreshDirectoryUsers } from "@/lib/users/directory";
import { createAccount, createUser, META, startSession } from "@/test/factories";
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

function join(userId: string, ...groupIds: string[]) {
  writeTransaction((tx) => setUserGroups(tx, accountId, userId, [...groupIdsOfUser(tx, accountId, userId), ...groupIds]));
}

function eventsFor(groupId: string) {
  return db().select().from(activityEvents).where(eq(activityEvents.targetId, groupId)).all();
}

let nameCounter = 0;
const uniqueName = (prefix = "Group") => `${prefix} ${++nameCounter}`;

describe("createGroup", () => {
  it("stores a trimmed name and records group.created with the actor, in the group's account", async () => {
    const group = createGroup(owner, { name: "  Engineering  " }, META);

    expect(group).toMatchObject({ name: "Engineering", accountId, usersCount: 0 });
    const row = db().select().from(groups).where(eq(groups.id, group.id)).get();
    expect(row).toMatchObject({ name: "Engineering", accountId });
    expect(eventsFor(group.id)).toEqual([
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
    expect(createGroup(admin, { name: uniqueName() }, META).id).toBeTruthy();
  });

  it.each([
    ["an auditor", () => auditor],
    ["a user", () => member],
  ])("refuses %s and writes nothing", (_, who) => {
    const name = uniqueName("Refused");
    expect(() => createGroup(who(), { name }, META)).toThrow(Forbidden);
    expect(db().select().from(groups).where(eq(groups.name, name)).all()).toEqual([]);
  });

  it.each(["engineering", "ENGINEERING", " Engineering ", "EnGiNeErInG"])(
    "refuses %j when Engineering exists (names are unique regardless of case)",
    (name) => {
      const before = db().select().from(groups).where(eq(groups.accountId, accountId)).all().length;
      const error = (() => {
        try {
          createGroup(owner, { name }, META);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(Conflict);
      expect((error as Conflict).message).toBe("A group with this name already exists");
      expect(db().select().from(groups).where(eq(groups.accountId, accountId)).all()).toHaveLength(before);
    },
  );

  it("compares non-ASCII names regardless of case too", async () => {
    createGroup(owner, { name: "Équipe" }, META);
    expect(() => createGroup(owner, { name: "ÉQUIPE" }, META)).toThrow(Conflict);
    expect(() => createGroup(owner, { name: "équipe" }, META)).toThrow(Conflict);
  });

  it("allows the same name in another account", async () => {
    expect(createGroup(stranger, { name: "Engineering" }, META).accountId).toBe(stranger.accountId);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["65 characters", "x".repeat(65)],
  ])("refuses a name that is %s with a field error on name", (_, name) => {
    const error = (() => {
      try {
        createGroup(owner, { name }, META);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).fieldErrors.name?.length).toBeGreaterThan(0);
  });

  it("accepts a name of exactly 64 characters", async () => {
    expect(createGroup(owner, { name: "y".repeat(64) }, META).name).toHaveLength(64);
  });
});

describe("renameGroup", () => {
  it("renames and records group.renamed with from and to", async () => {
    const group = createGroup(owner, { name: "Support" }, META);
    const renamed = renameGroup(admin, group.id, { name: " Customer Support " }, META);

    expect(renamed).toMatchObject({ id: group.id, name: "Customer Support" });
    expect(getGroup(owner, group.id).name).toBe("Customer Support");
    const event = eventsFor(group.id).find((e) => e.action === "group.renamed");
    expect(event).toMatchObject({ actorId: admin.userId, details: { from: "Support", to: "Customer Support" } });
  });

  it("lets a group change only the case of its own name", async () => {
    const group = createGroup(owner, { name: "ops team" }, META);
    expect(renameGroup(owner, group.id, { name: "Ops Team" }, META).name).toBe("Ops Team");
  });

  it("refuses a name another group has, in any case", async () => {
    const a = createGroup(owner, { name: uniqueName("Alpha") }, META);
    const b = createGroup(owner, { name: uniqueName("Beta") }, META);
    expect(() => renameGroup(owner, b.id, { name: a.name.toUpperCase() }, META)).toThrow(Conflict);
    expect(getGroup(owner, b.id).name).toBe(b.name);
  });

  it("records nothing when the name does not change", async () => {
    const group = createGroup(owner, { name: uniqueName() }, META);
    renameGroup(owner, group.id, { name: `  ${group.name}` }, META);
    expect(eventsFor(group.id).map((e) => e.action)).toEqual(["group.created"]);
  });

  it("is not found for unknown ids and other accounts' groups", async () => {
    const theirs = createGroup(stranger, { name: uniqueName("Theirs") }, META);
    expect(() => renameGroup(owner, "no-such-group", { name: "X" }, META)).toThrow(NotFound);
    expect(() => renameGroup(owner, theirs.id, { name: "Hijacked" }, META)).toThrow(NotFound);
    expect(getGroup(stranger, theirs.id).name).toBe(theirs.name);
  });

  it("refuses auditors and users, even for a group they are in", async () => {
    const group = createGroup(owner, { name: uniqueName() }, META);
    join(member.userId, group.id);
    expect(() => renameGroup(auditor, group.id, { name: uniqueName() }, META)).toThrow(Forbidden);
    expect(() => renameGroup(member, group.id, { name: uniqueName() }, META)).toThrow(Forbidden);
  });

  it("refuses an empty or overlong name", async () => {
    const group = createGroup(owner, { name: uniqueName() }, META);
    expect(() => renameGroup(owner, group.id, { name: " " }, META)).toThrow(Invalid);
    expect(() => renameGroup(owner, group.id, { name: "z".repeat(65) }, META)).toThrow(Invalid);
  });
});

describe("deleteGroup", () => {
  it("removes the group and its memberships, keeps the users, and records group.deleted", async () => {
    const group = createGroup(owner, { name: uniqueName("Doomed") }, META);
    const keep = createGroup(owner, { name: uniqueName("Kept") }, META);
    join(member.userId, group.id, keep.id);
    join(admin.userId, group.id);

    deleteGroup(owner, group.id, META);

    expect(db().select().from(groups).where(eq(groups.id, group.id)).get()).toBeUndefined();
    expect(db().select().from(userGroups).where(eq(userGroups.groupId, group.id)).all()).toEqual([]);
    expect(groupIdsOfUser(db(), accountId, member.userId)).toContain(keep.id);
    expect(groupIdsOfUser(db(), accountId, member.userId)).not.toContain(group.id);
    expect(eventsFor(group.id).at(-1)).toMatchObject({
      action: "group.deleted",
      actorId: owner.userId,
      details: { users_removed: 2 },
    });
    expect(() => getGroup(owner, group.id)).toThrow(NotFound);
  });

  it("drops the group from the loaded user directory", async () => {
    const group = createGroup(owner, { name: uniqueName("Directory") }, META);
    join(member.userId, group.id);
    // The directory is loaded, and knows about the membership (join() wrote it behind the directory's back).
    directoryEntries(accountId);
    refreshDirectoryUsers(accountId, [member.userId]);
    expect(directoryEntries(accountId).get(member.userId)?.autoGroups).toContain(group.id);

    deleteGroup(admin, group.id, META);

    expect(directoryEntries(accountId).get(member.userId)?.autoGroups).not.toContain(group.id);
  });

  it("is not found for unknown ids and other accounts' groups, which stay", async () => {
    const theirs = createGroup(stranger, { name: uniqueName("Theirs") }, META);
    expect(() => deleteGroup(owner, "no-such-group", META)).toThrow(NotFound);
    expect(() => deleteGroup(owner, theirs.id, META)).toThrow(NotFound);
    expect(getGroup(stranger, theirs.id).id).toBe(theirs.id);
  });

  it("refuses auditors and users", async () => {
    const group = createGroup(owner, { name: uniqueName() }, META);
    expect(() => deleteGroup(auditor, group.id, META)).toThrow(Forbidden);
    expect(() => deleteGroup(member, group.id, META)).toThrow(Forbidden);
    expect(getGroup(owner, group.id).id).toBe(group.id);
  });
});

describe("listGroups and getGroup", () => {
  let shared: { id: string; name: string };
  let adminsOnly: { id: string; name: string };

  beforeAll(async () => {
    shared = createGroup(owner, { name: "zz Shared" }, META);
    adminsOnly = createGroup(owner, { name: "zz Admins only" }, META);
    join(member.userId, shared.id);
    join(admin.userId, shared.id, adminsOnly.id);
  });

  it("shows the owner, admins and auditors every group of the account with member counts, sorted by name", async () => {
    for (const actor of [owner, admin, auditor]) {
      const { items, total } = listGroups(actor, ALL);
      const all = db().select().from(groups).where(eq(groups.accountId, accountId)).all();
      expect(total).toBe(all.length);
      expect(items.every((g) => g.accountId === accountId)).toBe(true);
      const names = items.map((g) => g.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base", numeric: true })));
      expect(items.find((g) => g.id === shared.id)?.usersCount).toBe(2);
      expect(items.find((g) => g.id === adminsOnly.id)?.usersCount).toBe(1);
    }
  });

  it("shows users only the groups they belong to", async () => {
    const { items, total } = listGroups(member, ALL);
    expect(items.map((g) => g.id).sort()).toEqual(groupIdsOfUser(db(), accountId, member.userId).sort());
    expect(items.map((g) => g.id)).toContain(shared.id);
    expect(items.map((g) => g.id)).not.toContain(adminsOnly.id);
    expect(total).toBe(items.length);
  });

  it("never lists another account's groups", async () => {
    const theirs = createGroup(stranger, { name: uniqueName("Elsewhere") }, META);
    expect(listGroups(owner, ALL).items.map((g) => g.id)).not.toContain(theirs.id);
    expect(listGroups(stranger, ALL).items.every((g) => g.accountId === stranger.accountId)).toBe(true);
  });

  it("searches names regardless of case and pages with limit and offset", async () => {
    const found = listGroups(owner, { ...ALL, search: "ZZ " });
    expect(found.items.map((g) => g.name)).toEqual(["zz Admins only", "zz Shared"]);
    const page = listGroups(owner, { search: "zz", limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 2, items: [expect.objectContaining({ name: "zz Shared" })] });
  });

  it("finds one group by its exact name (NetBird's GetByName), and none is not found", async () => {
    const found = listGroups(owner, { offset: 0, name: "zz Shared" });
    expect(found.items.map((g) => g.name)).toEqual(["zz Shared"]);
    // Exact: not a substring, not another case.
    expect(() => listGroups(owner, { offset: 0, name: "zz" })).toThrow(NotFound);
    expect(() => listGroups(owner, { offset: 0, name: "ZZ SHARED" })).toThrow(NotFound);
  });

  it("without a limit returns every group, not a first page", async () => {
    const before = listGroups(owner, { offset: 0 }).total;
    for (let i = 0; i < 105; i++) createGroup(owner, { name: `bulk ${String(i).padStart(3, "0")}` }, META);
    const all = listGroups(owner, { offset: 0 });
    expect(all.total).toBe(before + 105);
    expect(all.items).toHaveLength(before + 105);
    for (let i = 0; i < 105; i++) deleteGroup(owner, all.items.find((g) => g.name === `bulk ${String(i).padStart(3, "0")}`)!.id, META);
  });

  it("accepts NetBird's empty peers and resources, and refuses peers it can't keep", async () => {
    const g = createGroup(owner, { name: "with peers field", peers: [], resources: null }, META);
    expect(g.name).toBe("with peers field");
    expect(() => createGroup(owner, { name: "peer group", peers: ["peer-1"] }, META)).toThrow(Invalid);
    deleteGroup(owner, g.id, META);
  });

  it("returns members with decrypted names and emails", async () => {
    const group = getGroup(auditor, shared.id);
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
    const group = getGroup(member, shared.id);
    expect(group.members).toEqual([{ id: member.userId, name: "Mia Member", email: memberEmail }]);
    expect(() => getGroup(member, adminsOnly.id)).toThrow(NotFound);
  });

  it("is not found for unknown ids and other accounts' groups", async () => {
    const theirs = createGroup(stranger, { name: uniqueName("Private") }, META);
    expect(() => getGroup(owner, theirs.id)).toThrow(NotFound);
    expect(() => getGroup(owner, "no-such-group")).toThrow(NotFound);
  });
});
