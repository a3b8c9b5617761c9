import { describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { resetUserPassword, revokeUserSessions } from "./access-control";

describe("resetUserPassword", () => {
  it("ends the person's sessions and access tokens and asks for a new password", async () => {
    const accountId = await createAccount();
    const owner = await startSession(await createUser(accountId, { role: "owner", name: "Olive" }));
    const bob = await createUser(accountId, { role: "admin", name: "Bob", password: "bobs old passphrase" });
    const bobSession = await startSession(bob);
    const token = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: bob.id, name: "laptop", expiresInDays: 30, createdBy: bob.id }),
    );
    expect(await authenticateAccessToken(token.plain)).not.toBeNull();

    const { password } = await resetUserPassword({ ...owner, role: "owner" }, bob.id, {}, META);

    expect(password).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(await resolveSession(bobSession.sessionId)).toBeNull();
    expect(await authenticateAccessToken(token.plain)).toBeNull();
    expect(await lastEvent()).toMatchObject({
      action: "user.password.reset",
      details: { generated: true, sessions_ended: 1, tokens_deleted: 1 },
    });
  });
});

describe("revokeUserSessions", () => {
  async function bobWithSessionAndToken() {
    const accountId = await createAccount();
    const owner = { ...await startSession(await createUser(accountId, { role: "owner", name: "Olive" })), role: "owner" as const };
    const bob = await createUser(accountId, { role: "admin", name: "Bob" });
    const session = await startSession(bob);
    const token = await writeSystem(async (tx) =>
      await mintAccessToken(tx, { accountId, userId: bob.id, name: "ci", expiresInDays: 30, createdBy: bob.id }),
    );
    return { owner, bob, session, token };
  }

  it("by default ends the sessions, keeps the access tokens, and says so in the activity log", async () => {
    const { owner, bob, session, token } = await bobWithSessionAndToken();

    expect(await revokeUserSessions(owner, bob.id, {}, META)).toEqual({ revoked: 1, tokens_deleted: 0 });

    expect(await resolveSession(session.sessionId)).toBeNull();
    expect(await authenticateAccessToken(token.plain)).not.toBeNull();
    expect(await lastEvent()).toMatchObject({
      action: "user.sessions.revoked",
      details: { sessions_ended: 1, revoke_tokens: false, tokens_deleted: 0 },
    });
  });

  it("with revoke_tokens also ends the access tokens, recorded as that choice", async () => {
    const { owner, bob, session, token } = await bobWithSessionAndToken();

    expect(await revokeUserSessions(owner, bob.id, { revoke_tokens: true }, META)).toEqual({ revoked: 1, tokens_deleted: 1 });

    expect(await resolveSession(session.sessionId)).toBeNull();
    expect(await authenticateAccessToken(token.plain)).toBeNull();
    expect(await lastEvent()).toMatchObject({
      action: "user.sessions.revoked",
      details: { sessions_ended: 1, revoke_tokens: true, tokens_deleted: 1 },
    });
  });
});
