import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { accessTokens, sessions, userRoles } from "@/lib/db/schema";
import { Unauthenticated } from "@/lib/errors";
import { mintAccessToken } from "@/lib/tokens/access-tokens";
import { createAccount, createUser, startSession, updateUserRow } from "@/test/factories";
import type { Actor, TokenActor } from "./actor";
import { freshActor } from "./fresh-actor";

/** freshActor under a unit of work, as write() calls it. */
const recheck = (actor: Actor, now?: Date) => writeSystem((tx) => freshActor(tx, actor, now));

async function tokenActorOf(user: { id: string; accountId: string }, permissions: Parameters<typeof mintAccessToken>[1]["permissions"] = null): Promise<TokenActor> {
  const { row } = await writeSystem((tx) =>
    mintAccessToken(tx, { accountId: user.accountId, userId: user.id, name: `ci ${crypto.randomUUID()}`, expiresInDays: 1, createdBy: user.id, permissions }),
  );
  return { kind: "token", accountId: user.accountId, userId: user.id, role: "user", tokenId: row.id };
}

describe("freshActor", () => {
  it("re-reads the role and resolves the permissions for a session", async () => {
    const accountId = await createAccount();
    const bob = await createUser(accountId, { role: "admin" });
    const session = await startSession(bob);
    await updateUserRow(bob.id, { role: "auditor" });
    const fresh = await recheck(session);
    expect(fresh.role).toBe("auditor");
    expect(fresh.permissions?.has("users:read")).toBe(true);
    expect(fresh.permissions?.has("users:create")).toBe(false);
  });

  it("refuses a blocked person, an ended or expired session, and another person's session", async () => {
    const accountId = await createAccount();
    const bob = await createUser(accountId);
    const carol = await createUser(accountId);
    const session = await startSession(bob);
    await expect(recheck(session, new Date(Date.now() + 400 * 86_400_000))).rejects.toThrow(/session has ended/);
    // Carol's id with Bob's session: the session is not hers.
    await expect(recheck({ ...session, userId: carol.id })).rejects.toThrow(/session has ended/);
    await updateUserRow(bob.id, { isBlocked: true });
    await expect(recheck(session)).rejects.toThrow(/no longer active/);
    await updateUserRow(bob.id, { isBlocked: false });
    await expect(recheck(session)).resolves.toMatchObject({ userId: bob.id });
    await writeSystem(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.id, session.sessionId));
    });
    await expect(recheck(session)).rejects.toBeInstanceOf(Unauthenticated);
  });

  it("refuses a deleted or expired token, and narrows to the token's scope", async () => {
    const accountId = await createAccount();
    const bob = await createUser(accountId, { role: "admin" });
    const scoped = await tokenActorOf(bob, ["users:read"]);
    expect([...((await recheck(scoped)).permissions ?? [])]).toEqual(["users:read"]);
    await expect(recheck(scoped, new Date(Date.now() + 2 * 86_400_000))).rejects.toThrow(/expired token/);
    const whole = await tokenActorOf(bob);
    expect((await recheck(whole)).permissions?.has("users:create")).toBe(true);
    await writeSystem(async (tx) => {
      await tx.delete(accessTokens).where(eq(accessTokens.id, whole.tokenId));
    });
    await expect(recheck(whole)).rejects.toThrow(/expired token/);
  });

  it("adds an extra role held beside the primary one", async () => {
    const accountId = await createAccount();
    const bob = await createUser(accountId, { role: "user" });
    const session = await startSession(bob);
    expect((await recheck(session)).permissions?.has("users:read")).toBe(false);
    await writeSystem(async (tx) => {
      await tx.insert(userRoles).values({ userId: bob.id, roleId: "auditor", accountId });
    });
    expect((await recheck(session)).permissions?.has("users:read")).toBe(true);
  });
});
