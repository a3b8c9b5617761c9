/**
 * Acting on a service user is service_users:*'s (./rules.ts), and a refusal on one the caller can't see
 * says "not found", as reading it does (./visibility.ts). Before, a caller with users:read and users:update
 * but no service_users:* got 403 for a service user's id and 404 for an unknown one (so learned which ids
 * are service users), and setting a user's extra roles asked users:update whatever the user was: a person
 * manager changed service users' roles without service_users:update.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { roles, userRoles } from "@/lib/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import { setUserRoles } from "@/lib/roles/assignments";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { listAccessTokens } from "@/lib/tokens/queries";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { resetUserPassword, revokeUserSessions } from "./access-control";
import { createUser as createUserAsAdmin, deleteUser, updateUser } from "./lifecycle";

async function customRole(accountId: string, permissions: string[]): Promise<string> {
  const roleId = crypto.randomUUID();
  await writeSystem((tx) =>
    tx.insert(roles).values({ id: roleId, accountId, name: `r-${roleId.slice(0, 8)}`, permissions: JSON.stringify(permissions), updatedAt: new Date() }),
  );
  return roleId;
}

async function holding(accountId: string, permissions: string[]) {
  const user = await createUser(accountId, { role: "user" });
  const roleId = await customRole(accountId, permissions);
  await writeSystem((tx) => tx.insert(userRoles).values({ userId: user.id, roleId, accountId }));
  return startSession(user);
}

async function account() {
  const accountId = await createAccount();
  const admin = await startSession(await createUser(accountId, { role: "admin" }));
  const bot = (await createUserAsAdmin(admin, { is_service_user: true, name: "Deploy Robot", role: "user", auto_groups: [] }, META)).user;
  const person = await createUser(accountId, { role: "user", name: "Pat Person" });
  // Manages people, sees no service users.
  const people = await holding(accountId, ["users:read", "users:update", "users:delete", "roles:read"]);
  // Sees service users, may not change them.
  const watcher = await holding(accountId, ["users:read", "users:update", "service_users:read", "roles:read"]);
  const emptyRole = await customRole(accountId, []);
  return { admin, bot, person, people, watcher, emptyRole };
}

describe("acting on a service user", () => {
  it("is not found for a caller who can't see service users, as an unknown id is", async () => {
    const { bot, people } = await account();
    await expect(updateUser(people, bot.id, { name: "Renamed" }, META)).rejects.toBeInstanceOf(NotFound);
    await expect(deleteUser(people, bot.id, META)).rejects.toBeInstanceOf(NotFound);
    const resets = await holding(people.accountId, ["users:read", "users:reset_password"]);
    await expect(resetUserPassword(resets, bot.id, {}, META)).rejects.toBeInstanceOf(NotFound);
    await expect(updateUser(people, crypto.randomUUID(), { name: "Renamed" }, META)).rejects.toBeInstanceOf(NotFound);
  });

  it("is forbidden, not hidden, for a caller who sees service users without service_users:update", async () => {
    const { bot, watcher } = await account();
    await expect(updateUser(watcher, bot.id, { name: "Renamed" }, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("is forbidden for a caller without the route's own permission, whoever the target (as for a person)", async () => {
    const { bot, person } = await account();
    const nobody = await holding(bot.accountId, []);
    await expect(updateUser(nobody, bot.id, { name: "Renamed" }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(updateUser(nobody, person.id, { name: "Renamed" }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(deleteUser(nobody, bot.id, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("needs service_users:update to set a service user's extra roles, and users:update for a person's", async () => {
    const { admin, bot, person, people, watcher, emptyRole } = await account();
    await expect(setUserRoles(people, bot.id, { role_ids: [emptyRole] }, META)).rejects.toBeInstanceOf(NotFound);
    await expect(setUserRoles(watcher, bot.id, { role_ids: [emptyRole] }, META)).rejects.toBeInstanceOf(Forbidden);
    expect(await setUserRoles(people, person.id, { role_ids: [emptyRole] }, META)).toEqual([emptyRole]);
    expect(await setUserRoles(admin, bot.id, { role_ids: [emptyRole] }, META)).toEqual([emptyRole]);
  });

  it("keeps people managers acting on people", async () => {
    const { person, people } = await account();
    expect((await updateUser(people, person.id, { name: "Pat Renamed" }, META)).name).toBe("Pat Renamed");
    await deleteUser(people, person.id, META);
  });
});

describe("ending a service user's tokens through a sign-out", () => {
  it("needs seeing service users and tokens:delete, as deleting the tokens themselves does", async () => {
    const { admin, bot } = await account();
    await createAccessToken(admin, bot.id, { name: "ci", expires_in: 30 }, META);
    const accountId = admin.accountId;
    const signOuts = await holding(accountId, ["users:read", "users:revoke_sessions"]);
    const seeing = await holding(accountId, ["users:read", "service_users:read", "users:revoke_sessions"]);
    await expect(revokeUserSessions(signOuts, bot.id, { revoke_tokens: true }, META)).rejects.toBeInstanceOf(NotFound);
    await expect(revokeUserSessions(seeing, bot.id, { revoke_tokens: true }, META)).rejects.toBeInstanceOf(Forbidden);
    expect(await listAccessTokens(admin, bot.id)).toHaveLength(1);
    expect(await revokeUserSessions(admin, bot.id, { revoke_tokens: true }, META)).toMatchObject({ tokens_deleted: 1 });
  });
});
