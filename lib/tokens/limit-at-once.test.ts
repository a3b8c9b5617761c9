/**
 * Review 16: limits that count, asked several times at the same moment. The count and the insert are in one
 * unit of work (the write lock), so requests fired together with Promise.all can't all see room for one more:
 * a person one short of the most access tokens, or of the most groups, gets exactly one more.
 */
import crypto from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accessTokens, groups, userGroups } from "@/lib/db/schema";
import { setGroupMembership } from "@/lib/users/group-members";
import { createUser as createUserAsAdmin } from "@/lib/users/lifecycle";
import { AT_ONCE, fulfilled } from "@/test/at-once";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { mintAccessToken } from "./access-tokens";
import { MAX_TOKENS_PER_USER } from "./limits";
import { createAccessToken } from "./personal-tokens";

/** autoGroupsSchema's limit (lib/groups/schemas.ts). */
const MAX_GROUPS_PER_PERSON = 200;

let accountId: string;
let admin: SessionActor;
beforeAll(async () => {
  accountId = await createAccount();
  admin = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("one short of a limit, several requests at once", () => {
  it("access tokens: one more is made, never past the most", async () => {
    const { user: robot } = await createUserAsAdmin(admin, { is_service_user: true, name: "Robot at once", role: "user", auto_groups: [] }, META);
    await writeSystem(async (tx) => {
      for (let i = 0; i < MAX_TOKENS_PER_USER - 1; i += 1) {
        await mintAccessToken(tx, { accountId, userId: robot.id, name: `held ${i}`, expiresInDays: 30, createdBy: admin.userId });
      }
    });
    const made = await fulfilled(Array.from({ length: AT_ONCE }, (_, i) => () => createAccessToken(admin, robot.id, { name: `at once ${i}`, expires_in: 30 }, META)));
    expect(made).toBe(1);
    const [held] = await db().select({ n: count() }).from(accessTokens).where(eq(accessTokens.userId, robot.id));
    expect(Number(held.n)).toBe(MAX_TOKENS_PER_USER);
  });

  it("groups: one more membership, never past the most", async () => {
    const person = await createUser(accountId);
    const ids = Array.from({ length: MAX_GROUPS_PER_PERSON - 1 + AT_ONCE }, () => crypto.randomUUID());
    await writeSystem(async (tx) => {
      await tx.insert(groups).values(ids.map((id, i) => ({ id, accountId, name: `at-once ${i} ${id}` })));
      await tx.insert(userGroups).values(ids.slice(0, MAX_GROUPS_PER_PERSON - 1).map((groupId) => ({ userId: person.id, groupId, accountId })));
    });
    const joined = await fulfilled(ids.slice(MAX_GROUPS_PER_PERSON - 1).map((groupId) => () => setGroupMembership(admin, groupId, person.id, true, META)));
    expect(joined).toBe(1);
    const [held] = await db().select({ n: count() }).from(userGroups).where(and(eq(userGroups.accountId, accountId), eq(userGroups.userId, person.id)));
    expect(Number(held.n)).toBe(MAX_GROUPS_PER_PERSON);
  });
});
