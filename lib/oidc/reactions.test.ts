import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emit, noneEnded } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { applicationGroups, applications, groups, oidcModels, userGroups } from "@/lib/db/schema";
import { setUserGroups } from "@/lib/groups/membership";
import { createAccount, createUser, lastEvent } from "@/test/factories";
import { grantWithTokens } from "@/test/oidc-fixtures";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

const rowsOf = async (userId: string) => db().select({ name: oidcModels.name, clientId: oidcModels.clientId }).from(oidcModels).where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId)));

describe("how apps' access reacts", () => {
  it("a password reset ends the person's grants and tokens at every app, and says so in the activity log", async () => {
    const user = await createUser(accountId);
    const other = await createUser(accountId);
    await grantWithTokens(user.id, "lka_one");
    await grantWithTokens(user.id, "lka_two");
    await grantWithTokens(other.id, "lka_one");
    await writeSystem((tx) => emit(tx, "user.password_reset", { accountId, userId: user.id, ended: noneEnded() }));
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await rowsOf(other.id)).toHaveLength(3);
    expect(await lastEvent()).toMatchObject({ action: "app.tokens.revoked", targetId: user.id });
  });

  it("a password change ends them only when it says the person's app sign-ins end (whatever it says of access tokens)", async () => {
    const user = await createUser(accountId);
    await grantWithTokens(user.id, "lka_one");
    await writeSystem((tx) => emit(tx, "user.password_changed", { accountId, userId: user.id, revokeTokens: false, endAppGrants: false, ended: noneEnded() }));
    expect(await rowsOf(user.id)).toHaveLength(3);
    await writeSystem((tx) => emit(tx, "user.password_changed", { accountId, userId: user.id, revokeTokens: false, endAppGrants: true, ended: noneEnded() }));
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await lastEvent()).toMatchObject({ action: "app.tokens.revoked", targetId: user.id });
  });

  it("an app whose redirect URIs or consent changed ends every grant it holds, only its own, and says so", async () => {
    const [user, other] = [await createUser(accountId), await createUser(accountId)];
    await grantWithTokens(user.id, "lka_moved");
    await grantWithTokens(other.id, "lka_moved");
    await grantWithTokens(user.id, "lka_same");
    await writeSystem((tx) => emit(tx, "application.access_changed", { accountId, applicationId: "app-moved", clientId: "lka_moved", change: "sign_in_changed" }));
    expect((await rowsOf(user.id)).map((r) => r.clientId)).toEqual(["lka_same", "lka_same", "lka_same"]);
    expect(await rowsOf(other.id)).toEqual([]);
    expect(await lastEvent()).toMatchObject({ action: "app.tokens.revoked", targetType: "application", targetId: "app-moved" });
    expect((await lastEvent())!.details).toMatchObject({ reason: "application_sign_in_changed", client_id: "lka_moved", grants_ended: 2 });
  });

  it("an app deleted or its secret rotated ends every grant it holds, and only its own", async () => {
    const user = await createUser(accountId);
    await grantWithTokens(user.id, "lka_gone");
    await grantWithTokens(user.id, "lka_kept");
    await writeSystem((tx) => emit(tx, "application.access_changed", { accountId, applicationId: "app-gone", clientId: "lka_gone", change: "deleted" }));
    expect((await rowsOf(user.id)).map((r) => r.clientId)).toEqual(["lka_kept", "lka_kept", "lka_kept"]);
  });

  it("a person who leaves the group an app is limited to loses that app's grants at once, and only that app's", async () => {
    const [left, kept] = [crypto.randomUUID(), crypto.randomUUID()];
    const app = async (groupIds: string[]) => {
      const id = crypto.randomUUID();
      const clientId = `lka_${crypto.randomBytes(12).toString("hex")}`;
      await writeSystem(async (tx) => {
        await tx.insert(applications).values({ id, accountId, name: "App", type: "web", clientId, restrictedToGroups: groupIds.length > 0, createdBy: "test", updatedAt: new Date() });
        for (const groupId of groupIds) await tx.insert(applicationGroups).values({ applicationId: id, groupId, accountId });
      });
      return clientId;
    };
    await writeSystem(async (tx) => {
      await tx.insert(groups).values([{ id: left, accountId, name: `Left ${left}` }, { id: kept, accountId, name: `Kept ${kept}` }]);
    });
    const [closing, stillMember, open] = [await app([left]), await app([kept]), await app([])];
    const user = await createUser(accountId);
    await writeSystem((tx) => tx.insert(userGroups).values([left, kept].map((groupId) => ({ userId: user.id, groupId, accountId }))));
    for (const clientId of [closing, stillMember, open]) await grantWithTokens(user.id, clientId);

    // Joining a group ends nothing.
    const extra = crypto.randomUUID();
    await writeSystem((tx) => tx.insert(groups).values({ id: extra, accountId, name: `Extra ${extra}` }));
    await writeSystem((tx) => setUserGroups(tx, accountId, user.id, [left, kept, extra]));
    expect(await rowsOf(user.id)).toHaveLength(9);

    await writeSystem((tx) => setUserGroups(tx, accountId, user.id, [kept]));
    const remaining = (await rowsOf(user.id)).map((r) => r.clientId);
    expect(remaining).toHaveLength(6);
    expect(new Set(remaining)).toEqual(new Set([stillMember, open]));
    expect(await lastEvent()).toMatchObject({ action: "app.tokens.revoked", targetId: user.id });
  });
});
