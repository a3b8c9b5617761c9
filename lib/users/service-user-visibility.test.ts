/**
 * Service users are their own module: Team → Service users asks service_users:read, and so does every
 * read of them (./visibility.ts). Before, GET /api/users (?service_user=true, its X-Total-Count), the
 * users export, GET /api/users/{id}, a user's roles and the role holders asked only users:read, so a
 * billing admin (users:read, events:read) listed, counted and opened every service user the page
 * refused to show them.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { roles, userRoles } from "@/lib/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import { getUserRoles, listRoles } from "@/lib/roles/queries";
import { serviceTokensCreatedBy } from "@/lib/tokens/creators";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { listAccessTokens } from "@/lib/tokens/queries";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { exportUsers } from "./export";
import { createUser as createUserAsAdmin } from "./lifecycle";
import { getUser, listUsers, userFiltersSchema, usersSeenBy } from "./queries";

async function withCustomRole(user: { id: string; accountId: string }, permissions: string[]): Promise<void> {
  const roleId = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(roles).values({ id: roleId, accountId: user.accountId, name: `r-${roleId.slice(0, 8)}`, permissions: JSON.stringify(permissions), updatedAt: new Date() });
    await tx.insert(userRoles).values({ userId: user.id, roleId, accountId: user.accountId });
  });
}

async function account() {
  const accountId = await createAccount();
  const adminUser = await createUser(accountId, { role: "admin" });
  const admin = await startSession(adminUser);
  const person = await createUser(accountId, { role: "user", name: "Pat Person" });
  const bot = (await createUserAsAdmin(admin, { is_service_user: true, name: "Deploy Robot", role: "user", auto_groups: [] }, META)).user;
  await createAccessToken(admin, bot.id, { name: "ci", expires_in: 30 }, META);
  // NetBird's billing admin: users:read and events:read, not service_users:read.
  const billing = await startSession(await createUser(accountId, { role: "billing_admin" }));
  // A custom role that sees service users and their tokens, and no people.
  const robotsUser = await createUser(accountId, { role: "user" });
  await withCustomRole(robotsUser, ["service_users:read", "tokens:read"]);
  const robots = await startSession(robotsUser);
  return { admin, adminUser, person, bot, billing, robots };
}

const filters = (input: Record<string, unknown> = {}) => userFiltersSchema.parse(input);
const ids = async (actor: Actor, input: Record<string, unknown> = {}) => {
  const page = await listUsers(actor, filters(input));
  return { ids: page.items.map((u) => u.id).sort(), total: page.total };
};

async function exportedCsv(actor: Actor): Promise<string> {
  const stream = await exportUsers(actor, filters(), META);
  return new Response(stream).text();
}

describe("service users are read with service_users:read, everywhere", () => {
  it("a caller with users:read alone lists, counts, searches and exports no service user", async () => {
    const { billing, admin, adminUser, person, bot } = await account();
    const everyone = await ids(admin);
    expect(everyone.ids).toContain(bot.id);
    const people = await ids(billing);
    expect(people.ids).not.toContain(bot.id);
    expect(people.ids).toContain(person.id);
    // The total is the people's: one less than the admin's, so it tells nothing of the service users.
    expect(people.total).toBe(everyone.total - 1);
    expect(await ids(billing, { service_user: "true" })).toEqual({ ids: [], total: 0 });
    expect(await ids(billing, { search: "Robot" })).toEqual({ ids: [], total: 0 });
    expect(await ids(billing, { search: "Deploy Robot", limit: 5 })).toEqual({ ids: [], total: 0 });
    expect((await ids(billing, { service_user: "false" })).ids).toContain(adminUser.id);
    const csv = await exportedCsv(billing);
    expect(csv).toContain("Pat Person");
    expect(csv).not.toContain("Deploy Robot");
    expect(csv).not.toContain(bot.id);
    expect(await exportedCsv(admin)).toContain("Deploy Robot");
  });

  it("a caller with users:read alone gets not found for a service user by id, its roles and its tokens", async () => {
    const { billing, admin, bot, person } = await account();
    await expect(getUser(billing, bot.id)).rejects.toBeInstanceOf(NotFound);
    await expect(getUserRoles(billing, bot.id)).rejects.toBeInstanceOf(NotFound);
    await expect(listAccessTokens(billing, bot.id)).rejects.toBeInstanceOf(NotFound);
    expect((await getUser(billing, person.id)).id).toBe(person.id);
    expect((await getUser(admin, bot.id)).id).toBe(bot.id);
    // Names on other lists (role holders, activity links) leave it out too.
    expect([...(await usersSeenBy(billing, [bot.id, person.id])).keys()]).toEqual([person.id]);
  });

  it("role holders name service users only to callers who may see them", async () => {
    const { admin, bot } = await account();
    const holdersOfUser = async (actor: Actor) => (await listRoles(actor)).find((r) => r.id === "user")!.holders.map((h) => h.id);
    expect(await holdersOfUser(admin)).toContain(bot.id);
    // roles:read without service_users:read: the roles and their human holders, no service user.
    const reader = await createUser(admin.accountId, { role: "user" });
    await withCustomRole(reader, ["roles:read", "users:read"]);
    const readerActor = await startSession(reader);
    const seen = await holdersOfUser(readerActor);
    expect(seen).not.toContain(bot.id);
    expect(seen).toContain(reader.id);
  });

  it("service_users:read alone sees the service users and their tokens, and no other person", async () => {
    const { robots, bot, person } = await account();
    expect(await ids(robots, { service_user: "true" })).toEqual({ ids: [bot.id], total: 1 });
    expect(await ids(robots)).toEqual({ ids: [bot.id, robots.userId].sort(), total: 2 });
    expect(await ids(robots, { service_user: "false" })).toEqual({ ids: [robots.userId], total: 1 });
    await expect(getUser(robots, person.id)).rejects.toBeInstanceOf(NotFound);
    expect((await getUser(robots, bot.id)).id).toBe(bot.id);
    expect((await listAccessTokens(robots, bot.id)).map((t) => t.name)).toEqual(["ci"]);
  });

  it("the service users' tokens a person created are service_users:read's to list, besides tokens:read", async () => {
    const { adminUser, billing, robots } = await account();
    const tokenReader = await createUser(billing.accountId, { role: "user" });
    await withCustomRole(tokenReader, ["users:read", "tokens:read"]);
    await expect(serviceTokensCreatedBy(await startSession(tokenReader), adminUser.id)).rejects.toBeInstanceOf(Forbidden);
    expect((await serviceTokensCreatedBy(robots, adminUser.id)).map((t) => t.serviceUserName)).toEqual(["Deploy Robot"]);
  });
});
