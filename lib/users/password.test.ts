import { beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { writeSystem } from "@/lib/data/unit-of-work";
import { config } from "@/lib/config";
import { Forbidden, Invalid, PreconditionFailed, RateLimited } from "@/lib/errors";
import { resolveSession } from "@/lib/sessions/sessions";
import { mintAccessToken, authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccount, createUser, lastEvent, META, startSession, userRow, type TestUser } from "@/test/factories";
import { and, eq } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { oidcModels } from "@/lib/db/schema";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { changeOwnPassword } from "./password";

const OLD = "the old passphrase, long enough";
const NEW = "a brand new passphrase, also long";

let accountId: string;
let alice: TestUser;

beforeEach(async () => {
  accountId ??= await createAccount();
  alice = await createUser(accountId, { password: OLD });
});

/** A sign-in at another app, as the OpenID provider stores it: a grant and its refresh token. */
async function appSignIn(userId: string): Promise<void> {
  const grantId = `grant-${crypto.randomUUID()}`;
  await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId: "lka_grafana" } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(`refresh-${crypto.randomUUID()}`, { accountId: userId, clientId: "lka_grafana", grantId } as never, 3600);
}

const appRowsOf = (userId: string) => db().select({ name: oidcModels.name }).from(oidcModels).where(and(eq(oidcModels.accountId, accountId), eq(oidcModels.userId, userId)));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("changeOwnPassword", () => {
  it("refuses a wrong current password with a field error on old_password, changing nothing", async () => {
    const actor = await startSession(alice);
    const hash = (await userRow(alice.id))!.passwordHash;

    const error = await rejection(changeOwnPassword(actor, alice.id, { old_password: "wrong", new_password: NEW }, META));

    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).fieldErrors.old_password).toEqual(["Current password is incorrect"]);
    expect((await userRow(alice.id))!.passwordHash).toBe(hash);
  });

  it("refuses to change another user's password", async () => {
    const mallory = await createUser(accountId, { role: "admin" });
    const actor = await startSession(mallory);
    const hash = (await userRow(alice.id))!.passwordHash;

    await expect(changeOwnPassword(actor, alice.id, { old_password: OLD, new_password: NEW }, META)).rejects.toThrow(
      Forbidden,
    );
    expect((await userRow(alice.id))!.passwordHash).toBe(hash);
  });

  it("sets the new password, ends the other sessions and keeps the acting one", async () => {
    const acting = await startSession(alice);
    const otherBrowser = await startSession(alice);
    const token = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: alice.id, name: "ci", expiresInDays: 1, createdBy: alice.id }),
    );

    await changeOwnPassword(acting, alice.id, { old_password: OLD, new_password: NEW }, META);

    const hash = (await userRow(alice.id))!.passwordHash!;
    expect(await verifyPassword(hash, NEW)).toBe(true);
    expect(await verifyPassword(hash, OLD)).toBe(false);
    expect(await resolveSession(acting.sessionId)).not.toBeNull();
    expect(await resolveSession(otherBrowser.sessionId)).toBeNull();
    // Access tokens are separate credentials and keep working.
    expect(await authenticateAccessToken(token.plain)).not.toBeNull();
    expect(await lastEvent()).toMatchObject({
      action: "user.password.changed",
      actorId: alice.id,
      targetId: alice.id,
      details: { other_sessions_ended: 1 },
    });
  });

  it("with revoke_tokens also ends the person's access tokens and the apps they signed in to, and the log records the choice", async () => {
    const acting = await startSession(alice);
    const token = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: alice.id, name: "ci", expiresInDays: 1, createdBy: alice.id }),
    );
    await appSignIn(alice.id);

    await changeOwnPassword(acting, alice.id, { old_password: OLD, new_password: NEW, revoke_tokens: true }, META);

    expect(await resolveSession(acting.sessionId)).not.toBeNull();
    expect(await authenticateAccessToken(token.plain)).toBeNull();
    // "Also revoke my access tokens and the apps I signed in to": the app's grant and refresh token are gone.
    expect(await appRowsOf(alice.id)).toEqual([]);
    expect(await lastEvent()).toMatchObject({
      action: "user.password.changed",
      details: { other_sessions_ended: 0, revoke_tokens: true, tokens_deleted: 1 },
    });
  });

  it("without revoke_tokens records that the access tokens were kept, and keeps the apps signed in to", async () => {
    await appSignIn(alice.id);
    await changeOwnPassword(await startSession(alice), alice.id, { old_password: OLD, new_password: NEW }, META);
    expect(await lastEvent()).toMatchObject({ details: { revoke_tokens: false, tokens_deleted: 0 } });
    expect(await appRowsOf(alice.id)).toHaveLength(2);
  });

  it("ends every session when an admin's access token makes the change", async () => {
    const ada = await createUser(accountId, { password: OLD, role: "admin" });
    const session = await startSession(ada);
    const { plain } = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: ada.id, name: "cli", expiresInDays: 1, createdBy: ada.id }),
    );
    const tokenActor = (await authenticateAccessToken(plain))!;

    await changeOwnPassword(tokenActor, ada.id, { old_password: OLD, new_password: NEW }, META);

    expect(await resolveSession(session.sessionId)).toBeNull();
  });

  it("refuses the change through a user-role access token (read-only), changing nothing", async () => {
    const session = await startSession(alice);
    const hash = (await userRow(alice.id))!.passwordHash;
    const { plain } = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: alice.id, name: "cli", expiresInDays: 1, createdBy: alice.id }),
    );
    const tokenActor = (await authenticateAccessToken(plain))!;

    await expect(changeOwnPassword(tokenActor, alice.id, { old_password: OLD, new_password: NEW }, META)).rejects.toThrow(Forbidden);

    expect((await userRow(alice.id))!.passwordHash).toBe(hash);
    expect(await resolveSession(session.sessionId)).not.toBeNull();
  });

  it("refuses the change through an admin's token limited to some permissions (it was made for another job), changing nothing", async () => {
    const ada = await createUser(accountId, { password: OLD, role: "admin" });
    const session = await startSession(ada);
    const hash = (await userRow(ada.id))!.passwordHash;
    const { plain } = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: ada.id, name: "group sync", expiresInDays: 1, createdBy: ada.id, permissions: ["groups:read", "groups:update"] }),
    );
    const tokenActor = (await authenticateAccessToken(plain))!;

    const refused = await rejection(changeOwnPassword(tokenActor, ada.id, { old_password: OLD, new_password: NEW }, META));
    expect(refused).toBeInstanceOf(Forbidden);
    expect((refused as Error).message).toBe("A token limited to some permissions can't change its owner's password");

    expect((await userRow(ada.id))!.passwordHash).toBe(hash);
    expect(await resolveSession(session.sessionId)).not.toBeNull();
  });

  it("checks no more current passwords than its limit when guesses arrive all at once", async () => {
    const actor = await startSession(alice);
    const limit = config().passwordChangeAttemptsPer15Min;
    const guesses = await Promise.allSettled(
      Array.from({ length: limit * 3 }, (_, i) => changeOwnPassword(actor, alice.id, { old_password: `guess number ${i}`, new_password: NEW }, META)),
    );
    const reasons = guesses.map((g) => (g.status === "rejected" ? g.reason : g.value));
    // Each is also a guess at sign-in (review 43): from one address, the throttle's free tries are checked, then it waits.
    const checked = Math.min(limit, config().signIn.freeAttempts);
    expect(reasons.filter((r) => r instanceof Invalid)).toHaveLength(checked);
    expect(reasons.filter((r) => r instanceof RateLimited)).toHaveLength(limit * 3 - checked);
    // The right one is refused now too, without being checked: the refusal says nothing about it.
    expect(await rejection(changeOwnPassword(actor, alice.id, { old_password: OLD, new_password: NEW }, META))).toBeInstanceOf(RateLimited);
  });

  it("refuses a new password equal to the old one", async () => {
    const error = await rejection(changeOwnPassword(await startSession(alice), alice.id, { old_password: OLD, new_password: OLD }, META));
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).fieldErrors).toHaveProperty("new_password");
  });

  it("refuses a user without a local password", async () => {
    const external = await createUser(accountId);
    await expect(
      changeOwnPassword(await startSession(external), external.id, { old_password: OLD, new_password: NEW }, META),
    ).rejects.toThrow(PreconditionFailed);
    expect((await userRow(external.id))!.passwordHash).toBeNull();
  });
});
