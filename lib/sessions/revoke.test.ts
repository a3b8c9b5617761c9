/**
 * Per-session sign-out and "Sign out everywhere else": the session named ends
 * (and only it), others' sessions are someone else's business unless you
 * manage them, and the current session survives "everywhere else".
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Forbidden, NotFound } from "@/lib/errors";
import { createAccount, createUser, lastEvent, META, startSession, type TestUser } from "@/test/factories";
import { listUserSessions } from "./queries";
import { endOtherSessions, endSession } from "./revoke";
import { publicSessionId, resolveSession } from "./sessions";

let accountId: string;
let admin: TestUser;
let member: TestUser;
let other: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  admin = await createUser(accountId, { email: "admin@revoke.example", role: "admin" });
  member = await createUser(accountId, { email: "member@revoke.example", role: "user" });
  other = await createUser(accountId, { email: "other@revoke.example", role: "user" });
});

describe("ending sessions one at a time", () => {
  it("lets a person end one of their own sessions, by its public id, and records it", async () => {
    const here = await startSession(member);
    const phone = await startSession(member);
    const laptop = await startSession(member);
    await endSession(here, member.id, publicSessionId(phone.sessionId), META);
    expect(await resolveSession(phone.sessionId)).toBeNull();
    expect(await resolveSession(here.sessionId)).not.toBeNull();
    expect(await resolveSession(laptop.sessionId)).not.toBeNull();
    expect(await lastEvent()).toMatchObject({ action: "session.revoked", targetId: member.id });
    // Gone already: a second try is a 404, as is a made-up id.
    await expect(endSession(here, member.id, publicSessionId(phone.sessionId), META)).rejects.toBeInstanceOf(NotFound);
    await expect(endSession(here, member.id, "not-a-session", META)).rejects.toBeInstanceOf(NotFound);
  });

  it("refuses ending someone else's session unless you manage users; an admin may", async () => {
    const mine = await startSession(member);
    const theirs = await startSession(other);
    await expect(endSession(mine, other.id, publicSessionId(theirs.sessionId), META)).rejects.toBeInstanceOf(Forbidden);
    expect(await resolveSession(theirs.sessionId)).not.toBeNull();
    // A session id of another user under your own id is not found, not ended.
    await expect(endSession(mine, member.id, publicSessionId(theirs.sessionId), META)).rejects.toBeInstanceOf(NotFound);
    await endSession(await startSession(admin), other.id, publicSessionId(theirs.sessionId), META);
    expect(await resolveSession(theirs.sessionId)).toBeNull();
  });

  it("signs out everywhere else, keeping the session that asked", async () => {
    const here = await startSession(other);
    await startSession(other);
    await startSession(other);
    expect(await endOtherSessions(here, META)).toBeGreaterThanOrEqual(2);
    const left = await listUserSessions(here, other.id);
    expect(left.map((s) => s.current)).toEqual([true]);
    expect(await lastEvent()).toMatchObject({ action: "user.sessions.revoked", targetId: other.id });
  });
});
