import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
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

const sessionRow = async (id: string) => (await db().select().from(sessions).where(eq(sessions.id, id)).limit(1))[0];

describe("resolveSession", () => {
  it("returns the actor, with the role read from the user row", async () => {
    const { sessionId } = await startSession(alice);
    expect(await resolveSession(sessionId)).toMatchObject({ kind: "session", sessionId, accountId, userId: alice.id, role: "auditor" });
  });

  it("returns null for an unknown session id", async () => {
    expect(await resolveSession("no-such-session")).toBeNull();
    expect(await resolveSession("")).toBeNull();
  });

  it("returns null from the moment the session expires", async () => {
    const { sessionId } = await startSession(alice);
    const { expiresAt } = (await sessionRow(sessionId))!;
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * HOUR_MS);

    expect(await resolveSession(sessionId, expiresAt)).toBeNull();
    expect(await resolveSession(sessionId, new Date(expiresAt.getTime() + HOUR_MS))).toBeNull();
    expect(await resolveSession(sessionId, new Date(expiresAt.getTime() - 1))).not.toBeNull();
  });

  it("extends a session that is in use", async () => {
    const { sessionId } = await startSession(alice);
    const { expiresAt } = (await sessionRow(sessionId))!;
    const later = new Date(Date.now() + 2 * HOUR_MS);
    await resolveSession(sessionId, later);
    expect((await sessionRow(sessionId))!.expiresAt.getTime()).toBeGreaterThan(expiresAt.getTime());
    expect((await sessionRow(sessionId))!.lastSeenAt).toEqual(later);
  });

  it("ends a session SESSION_ABSOLUTE_MAX_DAYS (30) after its sign-in however much it is used", async () => {
    const { sessionId } = await startSession(alice);
    const { createdAt } = (await sessionRow(sessionId))!;
    const latest = createdAt.getTime() + 30 * 24 * HOUR_MS;
    // Used every day: the sliding week is extended each time, but never past the 30th day.
    for (let day = 1; day < 30; day++) {
      expect(await resolveSession(sessionId, new Date(createdAt.getTime() + day * 24 * HOUR_MS))).not.toBeNull();
      expect((await sessionRow(sessionId))!.expiresAt.getTime()).toBeLessThanOrEqual(latest);
    }
    expect((await sessionRow(sessionId))!.expiresAt.getTime()).toBe(latest);
    expect(await resolveSession(sessionId, new Date(latest - 1))).not.toBeNull();
    expect(await resolveSession(sessionId, new Date(latest))).toBeNull();
  });

  it("holds the absolute limit for a row whose expiry was written before it existed", async () => {
    const { sessionId } = await startSession(alice);
    const { createdAt } = (await sessionRow(sessionId))!;
    const latest = createdAt.getTime() + 30 * 24 * HOUR_MS;
    await writeSystem(async (tx) => {
      await tx.update(sessions).set({ lastSeenAt: new Date(latest - HOUR_MS), expiresAt: new Date(latest + 7 * 24 * HOUR_MS) }).where(eq(sessions.id, sessionId));
    });
    expect(await resolveSession(sessionId, new Date(latest - 1))).not.toBeNull();
    expect(await resolveSession(sessionId, new Date(latest + HOUR_MS))).toBeNull();
  });

  it("returns null once the session is deleted", async () => {
    const { sessionId } = await startSession(alice);
    expect(await writeSystem((tx) => deleteSession(tx, accountId, sessionId))).toBe(true);
    expect(await resolveSession(sessionId)).toBeNull();
  });

  it("does not delete a session through another account", async () => {
    const { sessionId } = await startSession(alice);
    const otherAccount = await createAccount();
    expect(await writeSystem((tx) => deleteSession(tx, otherAccount, sessionId))).toBe(false);
    expect(await resolveSession(sessionId)).not.toBeNull();
  });

  it("returns null once the user is deleted or blocked", async () => {
    const doomed = await createUser(accountId);
    const doomedSession = await startSession(doomed);
    await writeSystem(async (tx) => {
      await tx.delete(users).where(eq(users.id, doomed.id));
    });
    expect(await resolveSession(doomedSession.sessionId)).toBeNull();

    const blocked = await createUser(accountId);
    const blockedSession = await startSession(blocked);
    await updateUserRow(blocked.id, { isBlocked: true });
    expect(await resolveSession(blockedSession.sessionId)).toBeNull();
    await updateUserRow(blocked.id, { isBlocked: false });
    expect(await resolveSession(blockedSession.sessionId)).not.toBeNull();
  });
});

describe("deleteUserSessions", () => {
  it("ends every session of the user except the one to keep, and no one else's", async () => {
    const user = await createUser(accountId);
    const bystander = await createUser(accountId);
    const [keep, other1, other2] = [await startSession(user), await startSession(user), await startSession(user)];
    const theirs = await startSession(bystander);

    const ended = await writeSystem((tx) => deleteUserSessions(tx, accountId, user.id, keep.sessionId));

    expect(ended).toBe(2);
    expect(await resolveSession(keep.sessionId)).not.toBeNull();
    expect(await resolveSession(other1.sessionId)).toBeNull();
    expect(await resolveSession(other2.sessionId)).toBeNull();
    expect(await resolveSession(theirs.sessionId)).not.toBeNull();
  });

  it("ends all of them when nothing is kept", async () => {
    const user = await createUser(accountId);
    const [a, b] = [await startSession(user), await startSession(user)];
    expect(await writeSystem((tx) => deleteUserSessions(tx, accountId, user.id))).toBe(2);
    expect(await resolveSession(a.sessionId)).toBeNull();
    expect(await resolveSession(b.sessionId)).toBeNull();
  });
});
