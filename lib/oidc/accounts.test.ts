import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { applicationGroups, applications, groups, userGroups } from "@/lib/db/schema";
import { createAccount, createUser, updateUserRow } from "@/test/factories";
import { claimsOf, usableUserOfApp } from "./accounts";

let accountId: string;
let group: string;

async function app(groupIds: string[] = [], restricted = groupIds.length > 0): Promise<string> {
  const id = crypto.randomUUID();
  const clientId = `lka_${crypto.randomBytes(12).toString("hex")}`;
  await writeSystem(async (tx) => {
    await tx.insert(applications).values({ id, accountId, name: "App", type: "web", clientId, restrictedToGroups: restricted, createdBy: "test", updatedAt: new Date() });
    for (const groupId of groupIds) await tx.insert(applicationGroups).values({ applicationId: id, groupId, accountId });
  });
  return clientId;
}

beforeAll(async () => {
  accountId = await createAccount();
  group = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(groups).values({ id: group, accountId, name: "Grafana users" });
  });
});

describe("usableUserOfApp: the person and the app's groups in one query", () => {
  it("admits a usable person to an open app and a member to a limited one; refuses the rest", async () => {
    const member = await createUser(accountId);
    const outsider = await createUser(accountId);
    await writeSystem(async (tx) => {
      await tx.insert(userGroups).values({ userId: member.id, groupId: group, accountId });
    });
    const open = await app();
    const limited = await app([group]);
    const emptied = await app([], true);
    expect((await usableUserOfApp(member.id, open))?.id).toBe(member.id);
    expect((await usableUserOfApp(outsider.id, open))?.id).toBe(outsider.id);
    expect((await usableUserOfApp(member.id, limited))?.id).toBe(member.id);
    expect(await usableUserOfApp(outsider.id, limited)).toBeNull();
    expect(await usableUserOfApp(member.id, emptied)).toBeNull();
    expect(await usableUserOfApp(member.id, "lka_not-registered")).toBeNull();
    expect(await usableUserOfApp("no-such-user", open)).toBeNull();
    await updateUserRow(member.id, { isBlocked: true });
    expect(await usableUserOfApp(member.id, open)).toBeNull();
    await updateUserRow(outsider.id, { pendingApproval: true });
    expect(await usableUserOfApp(outsider.id, open)).toBeNull();
  });

  it("states groups and roles only when their scopes are asked for", async () => {
    const person = await createUser(accountId, { name: "Ann Example" });
    await writeSystem(async (tx) => {
      await tx.insert(userGroups).values({ userId: person.id, groupId: group, accountId });
    });
    const row = (await usableUserOfApp(person.id, await app()))!;
    const narrow = await claimsOf(row, "openid profile email");
    expect(narrow).toMatchObject({ sub: person.id, name: "Ann Example" });
    expect(narrow.groups).toBeUndefined();
    expect(narrow.roles).toBeUndefined();
    expect(await claimsOf(row, "openid groups roles")).toMatchObject({ groups: ["Grafana users"], roles: ["user"] });
  });
});
