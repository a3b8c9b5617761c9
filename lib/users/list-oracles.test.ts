/**
 * The attacker review of the read side: what GET /api/users and the Users page's filters tell a caller who
 * may see only themselves (no users:read). Their list holds them alone, but `role=<name>` answered 422
 * "role must be the id or name of a role of this account" for a name the account has no role of, and a
 * list for one it has: any member could try names (or ids) and learn the account's custom roles, which
 * only roles:read (GET /api/roles) or users:read (the list's role choices) may see.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { roles, userRoles } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { createAccount, createUser, startSession } from "@/test/factories";
import { listUsers, userFiltersSchema } from "./queries";

async function accountWithRoles() {
  const accountId = await createAccount();
  const admin = await createUser(accountId, { role: "admin" });
  const member = await createUser(accountId, { role: "user" });
  const secretRole = crypto.randomUUID();
  const heldRole = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(roles).values({ id: secretRole, accountId, name: "Incident Response", permissions: "[]", updatedAt: new Date() });
    await tx.insert(roles).values({ id: heldRole, accountId, name: "Billing", permissions: "[]", updatedAt: new Date() });
    await tx.insert(userRoles).values({ userId: admin.id, roleId: secretRole, accountId });
    await tx.insert(userRoles).values({ userId: member.id, roleId: heldRole, accountId });
  });
  return { admin: await startSession(admin), member: await startSession(member), secretRole, heldRole };
}

const byRole = (role: string) => userFiltersSchema.parse({ role });

describe("the users list's role filter, for someone who sees only themselves", () => {
  it("answers a role that exists and one that doesn't alike: no one", async () => {
    const { member, secretRole } = await accountWithRoles();
    for (const role of ["Incident Response", secretRole, "No Such Role", crypto.randomUUID()]) {
      const page = await listUsers(member, byRole(role));
      expect(page, role).toEqual({ items: [], total: 0 });
    }
  });

  it("still finds themselves by a role they hold", async () => {
    const { member } = await accountWithRoles();
    const page = await listUsers(member, byRole("Billing"));
    expect(page.items.map((u) => u.id)).toEqual([member.userId]);
  });

  it("tells someone who may read users that a role is unknown (they can list the roles anyway)", async () => {
    const { admin } = await accountWithRoles();
    await expect(listUsers(admin, byRole("No Such Role"))).rejects.toThrow(Invalid);
    expect((await listUsers(admin, byRole("Incident Response"))).items.map((u) => u.id)).toEqual([admin.userId]);
  });
});
