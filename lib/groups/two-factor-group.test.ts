/**
 * Review 13: who must use two-factor sign-in is the owner's to decide (Settings → Security, settings:security,
 * owner only). With "members of chosen groups", deleting a chosen group (groups:delete: admins, NetBird's
 * network admins, a custom role) ended the requirement for all its members at once, without the owner: the
 * policy went on naming a group nobody was in. Deleting a group the policy names is refused until the owner
 * chooses other groups there.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { Conflict } from "@/lib/errors";
import { mustUseTwoFactor, updateSecurityPolicy } from "@/lib/mfa/policy";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { deleteGroup, createGroup } from "./groups";
import { setUserGroups } from "./membership";
import { writeSystem } from "@/lib/data/unit-of-work";
import { getGroup } from "./queries";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let mia: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  mia = await createUser(accountId, { role: "user" });
});

describe("a group the two-factor requirement names", () => {
  it("can't be deleted by an admin: its members would no longer have to use two-factor sign-in", async () => {
    const group = await createGroup(owner, { name: "Finance" }, META);
    await writeSystem((tx) => setUserGroups(tx, accountId, mia.id, [group.id]));
    await updateSecurityPolicy(owner, { require_for: "groups", group_ids: [group.id], grace_days: 0 }, META);
    expect(await mustUseTwoFactor(db(), mia, new Date())).toBe(true);

    const refusal = await deleteGroup(admin, group.id, META).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(Conflict);
    expect((refusal as Conflict).message).toMatch(/two-factor/);
    expect((await getGroup(owner, group.id)).members.map((m) => m.id)).toEqual([mia.id]);
    expect(await mustUseTwoFactor(db(), mia, new Date()), "Mia must still use two-factor sign-in").toBe(true);
  });

  it("nor by the owner while the policy names it; once other groups are chosen, it can", async () => {
    const group = await createGroup(owner, { name: "Payroll" }, META);
    const other = await createGroup(owner, { name: "Treasury" }, META);
    await updateSecurityPolicy(owner, { require_for: "groups", group_ids: [group.id, other.id] }, META);
    await expect(deleteGroup(owner, group.id, META)).rejects.toBeInstanceOf(Conflict);
    await updateSecurityPolicy(owner, { group_ids: [other.id] }, META);
    await deleteGroup(owner, group.id, META);
    await expect(getGroup(owner, group.id)).rejects.toThrow();
  });

  it("a group the policy doesn't name, or named while the policy asks for everyone, deletes as before", async () => {
    const group = await createGroup(owner, { name: "Marketing" }, META);
    await updateSecurityPolicy(owner, { require_for: "everyone" }, META);
    await deleteGroup(admin, group.id, META);
    await expect(getGroup(owner, group.id)).rejects.toThrow();
  });
});
