/**
 * A group's page offers Rename and each member's Remove only where the service would accept them (walk 15 found an
 * admin offered Remove on the owner's row, and Rename of a group they are in, then refused). The predicates the page
 * uses (renameRefusal, giveRolesRefusal, membersNotRemovableBy) are checked against the services' own outcome, so
 * they can't drift.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { membersNotRemovableBy, setGroupMembership } from "@/lib/users/group-members";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createGroup, giveRolesRefusal, renameGroup, renameRefusal } from "./groups";

let owner: SessionActor;
let admin: SessionActor;
let networkAdmin: SessionActor;
/** A custom role that manages groups and people's groups, and less than an admin holds. */
let manager: SessionActor;
let person: { id: string };
/** A role holding no permission: what decides giving it is the group's members (review 29). */
let claimOnly: string;
let n = 0;

async function groupWith(...memberIds: string[]): Promise<string> {
  const group = await createGroup(owner, { name: `Offered ${++n}` }, META);
  for (const id of memberIds) await setGroupMembership(owner, group.id, id, true, META);
  return group.id;
}

/** Whether the service refuses the change (Forbidden); a change it accepts is undone by the owner. */
async function refuses(run: () => Promise<unknown>, undo: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
  } catch (err) {
    if (err instanceof Forbidden) return true;
    throw err;
  }
  await undo();
  return false;
}

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  networkAdmin = await startSession(await createUser(accountId, { role: "network_admin" }));
  person = await createUser(accountId, { role: "user" });
  const role = await createRole(owner, { name: "Group keeper", description: "", permissions: ["users:read", "users:update", "groups:read", "groups:update"] }, META);
  const managerUser = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, managerUser.id, { role_ids: [role.id] }, META);
  manager = await startSession(managerUser);
  claimOnly = (await createRole(owner, { name: "grafana-admin", description: "", permissions: [] }, META)).id;
}, 60_000);

describe("Remove is offered on exactly the rows the service lets the actor remove", () => {
  it.each([
    ["the owner", () => owner],
    ["an admin", () => admin],
    ["a custom role that manages groups", () => manager],
  ])("for %s", async (_who, actorOf) => {
    const actor = actorOf();
    const members = [owner.userId, admin.userId, manager.userId, person.id];
    const groupId = await groupWith(...members);
    const locked = await membersNotRemovableBy(actor, members);
    for (const memberId of members) {
      const refused = await refuses(
        () => setGroupMembership(actor, groupId, memberId, false, META),
        () => setGroupMembership(owner, groupId, memberId, true, META),
      );
      expect(locked.includes(memberId), `member ${memberId}`).toBe(refused);
    }
    // The owner's account and one's own groups are the owner's; someone holding more is out of reach.
    const expected = { [owner.userId]: [], [admin.userId]: [owner.userId, admin.userId], [manager.userId]: [owner.userId, admin.userId, manager.userId] };
    expect(new Set(locked)).toEqual(new Set(expected[actor.userId]));
  });
});

const cases: Array<[string, () => SessionActor, () => string[]]> = [
    ["the owner, in the group", () => owner, () => [owner.userId, person.id]],
    ["an admin, in the group", () => admin, () => [admin.userId, person.id]],
    ["an admin, outside it", () => admin, () => [person.id]],
    ["a custom role, in the group", () => manager, () => [manager.userId, person.id]],
    ["a custom role, with an admin in it", () => manager, () => [admin.userId]],
    ["a custom role, with a user in it", () => manager, () => [person.id]],
    ["a network admin, with members", () => networkAdmin, () => [person.id]],
    ["a network admin, empty group", () => networkAdmin, () => []],
];

describe("Rename is offered exactly when the service accepts it, and otherwise says why", () => {
  it.each(cases)("%s", async (_case, actorOf, membersOf) => {
    const actor = actorOf();
    const groupId = await groupWith(...membersOf());
    const why = await renameRefusal(actor, groupId);
    const original = `Offered ${n}`;
    const refused = await refuses(
      () => renameGroup(actor, groupId, { name: `${original} renamed` }, META),
      () => renameGroup(owner, groupId, { name: original }, META),
    );
    expect(why !== null).toBe(refused);
    if (refused) {
      const thrown = await renameGroup(actor, groupId, { name: `${original} renamed` }, META).catch((err: Error) => err.message);
      expect(why).toBe(thrown);
    }
  });
});

describe("Roles can be ticked exactly when the service gives them, and otherwise the page says why", () => {
  it.each(cases)("%s", async (_case, actorOf, membersOf) => {
    const actor = actorOf();
    const groupId = await groupWith(...membersOf());
    const why = await giveRolesRefusal(actor, groupId);
    const give = () => setGroupRoles(actor, groupId, { role_ids: [claimOnly] }, META);
    const refused = await refuses(give, () => setGroupRoles(owner, groupId, { role_ids: [] }, META));
    expect(why !== null).toBe(refused);
    if (refused) expect(why).toBe(await give().catch((err: Error) => err.message));
  });
});
