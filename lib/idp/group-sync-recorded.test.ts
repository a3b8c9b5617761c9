/**
 * Review 6: "every change writes an activity event in the same transaction" (DESIGN.md). A directory
 * sign-in with group mapping keeps the person's mapped groups in step with the directory
 * (lib/idp/external-sign-in.ts syncMappedGroups → setUserGroups) but records nothing about it: the only
 * event is "user.login". A group that grants roles changes what the person may do, so a directory admin
 * (or anyone who can edit group membership there) gives a Latchkey user the admin role of a mapped group,
 * and the activity log never says when or how they got it, nor when they lost it. An admin's change to
 * the same membership is recorded ("user.updated" with auto_groups and the permissions that came).
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { setGroupRoles } from "@/lib/roles/assignments";
import { createAccount, createUser, META, openWayIn, startSession } from "@/test/factories";
import { signInExternal, type ExternalPolicy } from "./external-sign-in";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("a directory's group mapping is on the record", () => {
  it("records the groups a directory sign-in added or removed", async () => {
    const admins = await createGroup(owner, { name: "Directory admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    const policy = (member: string[]): ExternalPolicy => ({
      method: "ldap",
      sourceName: "Corp Directory",
      signup: "open",
      allowedDomains: [],
      allowLinking: false,
      matchByEmail: false,
      defaultRole: "user",
      defaultGroups: [],
      syncGroups: { managed: [admins.id], member },
    });
    await openWayIn(accountId, "ldap", "ldap-src");
    const who = { idpId: "ldap-src", subject: "dana", email: "dana@example.com", emailVerified: true, name: "Dana", username: "dana" };
    // First sign-in: Dana arrives with no mapped group.
    const first = await signInExternal(accountId, who, policy([]), META);
    const before = (await db().select({ seq: activityEvents.seq }).from(activityEvents).where(eq(activityEvents.accountId, accountId))).length;

    // In the directory, someone adds Dana to the admins' group; she signs in again.
    await signInExternal(accountId, who, policy([admins.id]), META);
    expect(await groupIdsOfUser(db(), accountId, first.userId)).toEqual([admins.id]);
    const events = (await db().select().from(activityEvents).where(eq(activityEvents.accountId, accountId)).orderBy(activityEvents.seq)).slice(before);
    const mentionsGroup = events.filter((e) => JSON.stringify(e.details ?? {}).includes(admins.id));
    expect(
      mentionsGroup.map((e) => e.action),
      `events of the sign-in that made ${first.userId} a member of an admins' group: ${events.map((e) => e.action).join(", ")}`,
    ).not.toEqual([]);
  });
});
