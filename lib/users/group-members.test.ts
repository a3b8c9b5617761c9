/** Group membership from the group's page: add and remove one person, the rules of editing their groups apply. */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { SetEdit } from "@/lib/data/patch";
import { writeSystem } from "@/lib/data/unit-of-work";
import { groups } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { db } from "@/lib/db/database";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { setGroupMembership } from "./group-members";
import { updateUser } from "./lifecycle";

describe("setGroupMembership", () => {
  it("adds and removes one member, keeping their other groups, and records it once", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "o@members.example", role: "owner" });
    const person = await createUser(accountId, { email: "p@members.example", role: "user" });
    const actor = await startSession(owner);
    const other = await createGroup(actor, { name: "Other" }, META);
    const group = await createGroup(actor, { name: "Ops" }, META);
    await setGroupMembership(actor, other.id, person.id, true, META);
    await setGroupMembership(actor, group.id, person.id, true, META);
    expect((await groupIdsOfUser(db(), accountId, person.id)).sort()).toEqual([other.id, group.id].sort());
    const event = await lastEvent();
    expect(event).toMatchObject({ action: "user.updated", targetId: person.id });
    // Adding again changes and records nothing.
    await setGroupMembership(actor, group.id, person.id, true, META);
    expect((await lastEvent()).id).toBe(event.id);
    await setGroupMembership(actor, group.id, person.id, false, META);
    expect(await groupIdsOfUser(db(), accountId, person.id)).toEqual([other.id]);
    await expect(setGroupMembership(actor, "no-such-group", person.id, true, META)).rejects.toBeInstanceOf(Invalid);
    // A member who manages nobody can't change anyone's groups.
    await expect(setGroupMembership(await startSession(person), group.id, owner.id, true, META)).rejects.toBeInstanceOf(Forbidden);
  });
});

/**
 * Review 10: a person's groups are at most 200 (groupIdListSchema), as PUT /api/users/{id} says. The dashboard sends
 * its groups as an edit of the stored set (ticked and unticked), and the group page adds one person at a time; the
 * list they left was never held to the limit, so a crafted form (about 1,300 ids per 64 KiB request) or repeated adds
 * put someone in any number of groups (every one of them in their ID tokens' groups claim).
 */
describe("a person's groups stay within the limit however they are changed", () => {
  it("refuses the edit or the add that would make 201, as the API refuses a list of 201", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { email: "o@many-groups.example", role: "owner" });
    const person = await createUser(accountId, { email: "p@many-groups.example", role: "user" });
    const actor = await startSession(owner);
    const ids = Array.from({ length: 201 }, () => crypto.randomUUID());
    await writeSystem(async (tx) => {
      await tx.insert(groups).values(ids.map((id, i) => ({ id, accountId, name: `Team ${i}` })));
    });
    const [first200, last] = [ids.slice(0, 200), ids[200]];
    await updateUser(actor, person.id, { auto_groups: first200 }, META);
    await expect(updateUser(actor, person.id, { auto_groups: ids }, META)).rejects.toBeInstanceOf(Invalid);
    const refusal = await updateUser(actor, person.id, { auto_groups: new SetEdit([last], []) }, META).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(Invalid);
    expect((refusal as Invalid).fieldErrors.auto_groups).toEqual(["At most 200 groups"]);
    await expect(setGroupMembership(actor, last, person.id, true, META)).rejects.toBeInstanceOf(Invalid);
    expect(await groupIdsOfUser(db(), accountId, person.id)).toHaveLength(200);
    // Leaving a group and joining another stays within it.
    await updateUser(actor, person.id, { auto_groups: new SetEdit([last], [ids[0]]) }, META);
    expect((await groupIdsOfUser(db(), accountId, person.id)).sort()).toEqual(ids.slice(1).sort());
  });
});
