import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, writeTransaction } from "@/lib/db/client";
import { sessions, users } from "@/lib/db/schema";
import { createAccount, createUser, startSession, updateUserRow, type TestUser } from "@/test/factories";
import { deleteSession, deleteUserSessions, resolveSession } from "./sessions";

const HOUR_MS = 3_600_000;

let accountId: string;
let alice: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  alice = await createUser(accountId, { role: "auditor" });
});

const sessionRow = (id: string) => db().select().from(sessions).where(eq(sessions.id, id)).get();

describe("resolveSession", () => {
  it("returns the actor, with the role read from the user row", async () => {
    const { sessionId } = await startSession(alice);
    expect(resolveSession(sessionId)).toMatchObject({ kind: "session", sessionId, accountId, userId: alice.id, role: "auditor" });
  });

  it("returns null for an unknown session id", async () => {
    expect(resolveSession("no-such-session")).toBeNull();
    expect(resolveSession("")).toBeNull();
  });

  it("returns null from the moment the session expires", async () => {
    const { sessionId } = await startSession(alice);
    const { expiresAt } = sessionRow(sessionId)!;
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * HOUR_MS);

    expect(resolveSession(sessionId, expiresAt)).toBeNull();
    expect(resolveSession(sessionId, new Date(expiresAt.getTime() + HOUR_MS))).toBeNull();
    expect(resolveSession(sessionId, new Date(expiresAt.getTime() - 1))).not.toBeNull();
  });

  it("extends a session that is in use", async () => {
    const { sessionId } = await startSession(alice);
    const { expiresAt } = sessionRow(sessionId)!;
    const later = new Date(Date.now() + 2 * HOUR_MS);
    resolveSession(sessionId, later);
    expect(sessionRow(sessionId)!.expiresAt.getTime()).toBeGreaterThan(expiresAt.getTime());
    expect(sessionRow(sessionId)!.lastSeenAt).toEqual(later);
  });

  it("returns null once the session is deleted", async () => {
    const { sessionId } = await startSession(alice);
    expect(writeTransaction((tx) => deleteSession(tx, accountId, sessionId))).toBe(true);
    expect(resolveSession(sessionId)).toBeNull();
  });

  it("does not delete a session through another account", async () => {
    const { sessionId } = await startSession(alice);
    const otherAccount = await createAccount();
    expect(writeTransaction((tx) => deleteSession(tx, otherAccount, sessionId))).toBe(false);
    expect(resolveSession(sessionId)).not.toBeNull();
  });

  it("returns null once the user is deleted or blocked", async () => {
    const doomed = await createUser(accountId);
    const doomedSession = await startSession(doomed);
    db().delete(users).where(eq(users.id, doomed.id)).run();
    expect(resolveSession(doomedSession.sessionId)).toBeNull();

    const blocked = await createUser(accountId);
    const blockedSession = await startSession(blocked);
    await updateUserRow(blocked.id, { isBlocked: true });
    expect(resolveSession(blockedSession.sessionId)).toBeNull();
    await updateUserRow(blocked.id, { isBlocked: false });
    expect(resolveSession(blockedSession.sessionId)).not.toBeNull();
  });
});

describe("deleteUserSessions", () => {
  it("ends every session of the user except the one to keep, and no one else's", async () => {
    const user = await createUser(accountId);
    const bystander = await createUser(accountId);
    const [keep, other1, other2] = [await startSession(user), await startSession(user), await startSession(user)];
    const theirs = await startSession(bystander);

    const ended = writeTransaction((tx) => deleteUserSessions(tx, accountId, user.id, keep.sessionId));

    expect(ended).toBe(2);
    expect(resolveSession(keep.sessionId)).not.toBeNull();
    expect(resolveSession(other1.sessionId)).toBeNull();
    expect(resolveSession(other2.sessionId)).toBeNull();
    expect(resolveSession(theirs.sessionId)).not.toBeNull();
  });

  it("ends all of them when nothing is kept", async () => {
    const user = await createUser(accountId);
    const [a, b] = [await startSession(user), await startSession(user)];
    expect(writeTransaction((tx) => deleteUserSessions(tx, accountId, user.id))).toBe(2);
    expect(resolveSession(a.sessionId)).toBeNull();
    expect(resolveSession(b.sessionId)).toBeNull();
  });
});
