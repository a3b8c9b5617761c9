/** Group membership from the group's page: add and remove one person, the rules of editing their groups apply. */
import { describe, expect, it } from "vitest";
import { Forbidden, Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { db } from "@/lib/db/database";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { setGroupMembership } from "./group-members";

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
