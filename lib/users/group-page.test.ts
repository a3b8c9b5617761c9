/**
 * A group's page (groupPageView) reads the group's members once, and shows what the separate reads it replaced
 * showed: the group as getGroup answers it, Rename's and roles' refusals as renameRefusal and giveRolesRefusal decide
 * them, the rows without Remove as membersNotRemovableBy finds them (each checked against the services in
 * lib/groups/offered-actions.test.ts).
 * The reads are counted through Drizzle's logger, on both dialects.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { createGroup, giveRolesRefusal, renameRefusal } from "@/lib/groups/groups";
import { getGroup } from "@/lib/groups/queries";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { groupPageView, managesMembers, membersNotRemovableBy, setGroupMembership } from "./group-members";

type Logger = { logQuery(query: string, params: unknown[]): void };
const session = () => (db() as unknown as { session: { logger: Logger } }).session;
let kept: Logger | null = null;

/** The SQL of every statement the reader runs until the returned function is called. */
function recordStatements(): () => string[] {
  const seen: string[] = [];
  kept = session().logger;
  session().logger = { logQuery: (query) => seen.push(query) };
  return () => {
    session().logger = kept!;
    kept = null;
    return seen;
  };
}
afterEach(() => {
  if (kept) session().logger = kept;
  kept = null;
});

/** A statement that reads the group's members: its membership rows, or its members' user rows again by id. */
const readsMembers = (query: string) => /"user_groups"\."group_id" = (\?|\$\d+)/.test(query) || /from "users" where .*"users"\."id" in/i.test(query);

let owner: SessionActor;
let admin: SessionActor;
let manager: SessionActor;
let member: SessionActor;
let groupId: string;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  const person = await createUser(accountId, { role: "user" });
  const role = await createRole(owner, { name: "Group keeper", description: "", permissions: ["users:read", "users:update", "groups:read", "groups:update"] }, META);
  const managerUser = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, managerUser.id, { role_ids: [role.id] }, META);
  manager = await startSession(managerUser);
  member = await startSession(person);
  groupId = (await createGroup(owner, { name: "Page readers" }, META)).id;
  for (const id of [owner.userId, admin.userId, manager.userId, person.id]) await setGroupMembership(owner, groupId, id, true, META);
}, 60_000);

describe("a group's page", () => {
  it.each([
    ["the owner", () => owner],
    ["an admin", () => admin],
    ["a custom role that manages groups", () => manager],
    ["a member who sees only themselves", () => member],
  ])("for %s shows what the separate reads showed", async (_who, actorOf) => {
    const actor = actorOf();
    const view = await groupPageView(actor, groupId);
    const group = await getGroup(actor, groupId);
    expect(view.group).toEqual(group);
    expect(view.renameRefused).toEqual(can(actor, "groups:update") ? await renameRefusal(actor, groupId) : null);
    expect(view.rolesRefused).toEqual(can(actor, "groups:update") ? await giveRolesRefusal(actor, groupId) : null);
    expect(new Set(view.lockedIds)).toEqual(new Set(managesMembers(actor) ? await membersNotRemovableBy(actor, group.members.map((m) => m.id)) : []));
  });

  it.each([
    ["the owner", () => owner],
    ["an admin", () => admin],
    ["a custom role that manages groups", () => manager],
  ])("for %s reads the group's members once", async (_who, actorOf) => {
    const actor = actorOf();
    const stop = recordStatements();
    await groupPageView(actor, groupId);
    const statements = stop();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter(readsMembers), statements.filter(readsMembers).join("\n")).toHaveLength(1);
  });
});
