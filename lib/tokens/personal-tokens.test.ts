import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, SessionActor, TokenActor } from "@/lib/auth/actor";
import { db, writeTransaction } from "@/lib/db/client";
import { accessTokens, activityEvents, type Role } from "@/lib/db/schema";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { revokeUserSessions } from "@/lib/users/access-control";
import { createUser as createUserAsAdmin, deleteUser, setUserBlocked, updateUser } from "@/lib/users/lifecycle";
import { changeOwnPassword } from "@/lib/users/password";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { authenticateAccessToken, mintAccessToken } from "./access-tokens";
import { createAccessToken, deleteAccessToken } from "./personal-tokens";
import { getAccessToken, listAccessTokens, tokenCountsByUser } from "./queries";
import { createTokenSchema } from "./schemas";

const DAY_MS = 86_400_000;

/** A signed-in session of the user (writes re-check it under the write lock). */
async function actorFor(user: { id: string; accountId: string; role: Role }): Promise<SessionActor> {
  return { ...(await startSession(user)), role: user.role };
}

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let auditor: SessionActor;
let member: SessionActor;
let otherMember: SessionActor;
let robot: { id: string; accountId: string; role: Role };
let stranger: SessionActor;

let counter = 0;
const uniqueName = (prefix = "token") => `${prefix}-${++counter}`;
const input = (name = uniqueName(), expires_in = 30) => createTokenSchema.parse({ name, expires_in });

async function serviceUser(role: Role = "admin", name = uniqueName("robot")) {
  const { user } = await createUserAsAdmin(admin, { is_service_user: true, name, role, auto_groups: [] }, META);
  return { id: user.id, accountId: user.accountId, role: user.role };
}

/** A token actor for the user, as a request with a fresh token of theirs would get. */
function tokenActorFor(who: { id: string; accountId: string } | SessionActor): TokenActor {
  const user = "kind" in who ? { id: who.userId, accountId: who.accountId } : who;
  const { plain } = writeTransaction((tx) =>
    mintAccessToken(tx, { accountId: user.accountId, userId: user.id, name: uniqueName("actor"), expiresInDays: 1, createdBy: user.id }),
  );
  const actor = authenticateAccessToken(plain);
  if (!actor) throw new Error("fresh token does not authenticate");
  return actor;
}

function tokenRow(id: string) {
  return db().select().from(accessTokens).where(eq(accessTokens.id, id)).get();
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await actorFor(await createUser(accountId, { role: "owner", name: "Olive Owner" }));
  admin = await actorFor(await createUser(accountId, { role: "admin", name: "Ada Admin" }));
  auditor = await actorFor(await createUser(accountId, { role: "auditor", name: "Aude Auditor" }));
  member = await actorFor(await createUser(accountId, { role: "user", name: "Mia Member" }));
  otherMember = await actorFor(await createUser(accountId, { role: "user", name: "Max Member" }));
  robot = await serviceUser("admin", "Terraform");
  stranger = await actorFor(await createUser(await createAccount(), { role: "owner", name: "Sam Stranger" }));
});

describe("createAccessToken", () => {
  it("returns the plain token once, stores its digest, and records token.created without the token", async () => {
    const before = Date.now();
    const { plain, token } = createAccessToken(member, member.userId, input("  laptop  ", 7), META);

    expect(plain).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    expect(token).toMatchObject({ name: "laptop", userId: member.userId, accountId, createdBy: member.userId, lastUsedAt: null });
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(token.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    expect(JSON.stringify(token)).not.toContain(plain);
    expect(authenticateAccessToken(plain)).toMatchObject({ kind: "token", tokenId: token.id, userId: member.userId, role: "user" });

    const event = (await lastEvent())!;
    expect(event).toMatchObject({ action: "token.created", accountId, actorType: "user", actorId: member.userId, targetType: "token", targetId: token.id });
    expect(event.details).toMatchObject({ user_id: member.userId, service_user: false, expires_in_days: 7 });
    const stored = JSON.stringify(event);
    expect(stored).not.toContain(plain);
    expect(stored).not.toContain(plain.slice(4, 34));
    expect(stored).not.toContain(tokenRow(token.id)!.tokenDigest);
  });

  it("defaults to 30 days and bounds the expiry to 1–365 whole days", async () => {
    expect(createTokenSchema.parse({ name: "x" }).expires_in).toBe(30);
    for (const expires_in of [0, 366, 1.5, -1, "30", null]) {
      expect(() => createAccessToken(member, member.userId, { name: uniqueName(), expires_in } as never, META)).toThrow(Invalid);
    }
    for (const name of ["", "   ", "x".repeat(101), "line\nbreak", 42, undefined]) {
      expect(() => createAccessToken(member, member.userId, { name, expires_in: 30 } as never, META)).toThrow(Invalid);
    }
    const { token } = createAccessToken(member, member.userId, input(uniqueName(), 365), META);
    expect(token.expiresAt.getTime() - token.createdAt.getTime()).toBe(365 * DAY_MS);
  });

  it("refuses a second token with the same name for the same user (409), and allows it for another user", async () => {
    const name = uniqueName("ci");
    createAccessToken(member, member.userId, input(name), META);
    expect(() => createAccessToken(member, member.userId, input(name), META)).toThrow(Conflict);
    expect(() => createAccessToken(member, member.userId, input(`  ${name} `), META)).toThrow(Conflict);
    expect(createAccessToken(otherMember, otherMember.userId, input(name), META).token.name).toBe(name);
  });

  it("lets the owner and admins manage a service user's tokens, recording who created them", async () => {
    for (const actor of [owner, admin]) {
      const { token } = createAccessToken(actor, robot.id, input(), META);
      expect(token).toMatchObject({ userId: robot.id, createdBy: actor.userId });
      expect((await lastEvent())!.details).toMatchObject({ user_id: robot.id, service_user: true });
    }
  });

  it("lets nobody create tokens for another person, whatever their role", async () => {
    for (const actor of [owner, admin]) {
      expect(() => createAccessToken(actor, member.userId, input(), META)).toThrow(Forbidden);
    }
    expect(() => createAccessToken(admin, owner.userId, input(), META)).toThrow(Forbidden);
    expect(() => createAccessToken(owner, admin.userId, input(), META)).toThrow(Forbidden);
  });

  it("refuses auditors on service users (403), and hides other users from users (404)", async () => {
    expect(() => createAccessToken(auditor, robot.id, input(), META)).toThrow(Forbidden);
    expect(() => createAccessToken(member, robot.id, input(), META)).toThrow(NotFound);
    expect(() => createAccessToken(member, otherMember.userId, input(), META)).toThrow(NotFound);
  });

  it("treats another account's users and unknown ids as not found", async () => {
    expect(() => createAccessToken(stranger, robot.id, input(), META)).toThrow(NotFound);
    expect(() => createAccessToken(owner, stranger.userId, input(), META)).toThrow(NotFound);
    expect(() => createAccessToken(owner, "no-such-user", input(), META)).toThrow(NotFound);
  });

  it("lets an admin's token manage tokens, but not a user's or an auditor's token (read-only)", async () => {
    const adminRobot = tokenActorFor(robot);
    expect(createAccessToken(adminRobot, robot.id, input(), META).token.createdBy).toBe(robot.id);
    const other = await serviceUser("user");
    expect(createAccessToken(adminRobot, other.id, input(), META).token.userId).toBe(other.id);

    const readOnly = tokenActorFor(other);
    expect(() => createAccessToken(readOnly, other.id, input(), META)).toThrow(Forbidden);
    expect(() => createAccessToken(tokenActorFor(member), member.userId, input(), META)).toThrow(Forbidden);
    expect(() => createAccessToken(tokenActorFor(auditor), auditor.userId, input(), META)).toThrow(Forbidden);
    // The same people in the dashboard (session) manage their own tokens.
    expect(createAccessToken(auditor, auditor.userId, input(), META).token.userId).toBe(auditor.userId);
  });

  it("writes nothing when refused", async () => {
    const before = db().select().from(accessTokens).all().length;
    const events = db().select().from(activityEvents).all().length;
    expect(() => createAccessToken(admin, member.userId, input(), META)).toThrow(Forbidden);
    expect(db().select().from(accessTokens).all().length).toBe(before);
    expect(db().select().from(activityEvents).all().length).toBe(events);
  });
});

describe("listing and reading tokens", () => {
  it("lists a user's tokens newest first, with metadata only", async () => {
    const user = await actorFor(await createUser(accountId, { role: "user" }));
    const first = createAccessToken(user, user.userId, input("first"), META).token;
    await new Promise((r) => setTimeout(r, 5));
    const second = createAccessToken(user, user.userId, input("second"), META).token;
    const list = listAccessTokens(user, user.userId);
    expect(list.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(Object.keys(list[0]).sort()).toEqual(["accountId", "createdAt", "createdBy", "expiresAt", "id", "lastUsedAt", "name", "userId"]);
    expect(getAccessToken(user, user.userId, first.id)).toEqual(first);
  });

  it("shows service users' tokens to auditors too, and nobody another person's tokens", async () => {
    createAccessToken(admin, robot.id, input(), META);
    expect(listAccessTokens(auditor, robot.id).length).toBeGreaterThan(0);
    expect(listAccessTokens(owner, robot.id).length).toBeGreaterThan(0);
    for (const actor of [owner, admin, auditor]) expect(() => listAccessTokens(actor, member.userId)).toThrow(Forbidden);
    expect(() => listAccessTokens(member, robot.id)).toThrow(NotFound);
    expect(() => listAccessTokens(member, otherMember.userId)).toThrow(NotFound);
    expect(() => listAccessTokens(stranger, robot.id)).toThrow(NotFound);
  });

  it("finds a token only under its own user's id", async () => {
    const mine = createAccessToken(member, member.userId, input(), META).token;
    const robots = createAccessToken(admin, robot.id, input(), META).token;
    expect(() => getAccessToken(otherMember, otherMember.userId, mine.id)).toThrow(NotFound);
    expect(() => getAccessToken(admin, robot.id, mine.id)).toThrow(NotFound);
    expect(() => getAccessToken(member, member.userId, robots.id)).toThrow(NotFound);
    expect(() => getAccessToken(member, member.userId, "no-such-token")).toThrow(NotFound);
    expect(() => getAccessToken(stranger, stranger.userId, mine.id)).toThrow(NotFound);
  });

  it("counts tokens per user for those allowed to see them", async () => {
    const counted = await serviceUser("user");
    createAccessToken(admin, counted.id, input(), META);
    createAccessToken(admin, counted.id, input(), META);
    const empty = await serviceUser("user");
    expect(tokenCountsByUser(admin, [counted.id, empty.id])).toEqual(new Map([[counted.id, 2]]));
    expect(tokenCountsByUser(member, [counted.id]).size).toBe(0);
    expect(tokenCountsByUser(stranger, [counted.id]).size).toBe(0);
  });
});

describe("deleteAccessToken", () => {
  it("deletes the token, which stops authenticating at once, and records token.deleted", async () => {
    const { plain, token } = createAccessToken(member, member.userId, input(), META);
    expect(authenticateAccessToken(plain)).not.toBeNull();
    deleteAccessToken(member, member.userId, token.id, META);
    expect(tokenRow(token.id)).toBeUndefined();
    expect(authenticateAccessToken(plain)).toBeNull();
    expect(await lastEvent()).toMatchObject({ action: "token.deleted", actorId: member.userId, targetType: "token", targetId: token.id });
    expect(JSON.stringify(await lastEvent())).not.toContain(plain);
  });

  it("refuses another user's token ids as not found, leaving the token alone", async () => {
    const theirs = createAccessToken(otherMember, otherMember.userId, input(), META).token;
    const robots = createAccessToken(admin, robot.id, input(), META).token;
    expect(() => deleteAccessToken(member, member.userId, theirs.id, META)).toThrow(NotFound);
    expect(() => deleteAccessToken(admin, robot.id, theirs.id, META)).toThrow(NotFound);
    expect(() => deleteAccessToken(admin, admin.userId, robots.id, META)).toThrow(NotFound);
    expect(() => deleteAccessToken(stranger, stranger.userId, theirs.id, META)).toThrow(NotFound);
    expect(() => deleteAccessToken(admin, otherMember.userId, theirs.id, META)).toThrow(Forbidden);
    expect(tokenRow(theirs.id)).toBeDefined();
    expect(tokenRow(robots.id)).toBeDefined();
  });

  it("lets admins delete service users' tokens but not auditors or read-only tokens", async () => {
    const target = await serviceUser("user");
    const { token } = createAccessToken(admin, target.id, input(), META);
    expect(() => deleteAccessToken(auditor, target.id, token.id, META)).toThrow(Forbidden);
    const readOnly = tokenActorFor(target);
    expect(() => deleteAccessToken(readOnly, target.id, token.id, META)).toThrow(Forbidden);
    deleteAccessToken(owner, target.id, token.id, META);
    expect(tokenRow(token.id)).toBeUndefined();
  });

  it("lets an admin token delete itself, naming itself in the event", async () => {
    const self = tokenActorFor(robot);
    deleteAccessToken(self, robot.id, self.tokenId, META);
    expect(await lastEvent()).toMatchObject({ action: "token.deleted", actorType: "token", actorId: self.tokenId });
  });
});

describe("a token acts with its owner's role and status at the moment of the request", () => {
  it("demoting, blocking and deleting the service user take effect on the next request", async () => {
    const target = await serviceUser("admin");
    const { plain } = createAccessToken(admin, target.id, input(), META);
    expect(authenticateAccessToken(plain)?.role).toBe("admin");

    updateUser(admin, target.id, { role: "user", auto_groups: [], is_blocked: false }, META);
    const demoted = authenticateAccessToken(plain)!;
    expect(demoted.role).toBe("user");
    expect(() => createAccessToken(demoted, target.id, input(), META)).toThrow(Forbidden);

    setUserBlocked(admin, target.id, true, META);
    expect(authenticateAccessToken(plain)).toBeNull();
    setUserBlocked(admin, target.id, false, META);
    expect(authenticateAccessToken(plain)).not.toBeNull();

    deleteUser(admin, target.id, META);
    expect(authenticateAccessToken(plain)).toBeNull();
    expect(db().select().from(accessTokens).where(eq(accessTokens.userId, target.id)).all()).toEqual([]);
  });
});

describe("read-only tokens on self-service writes", () => {
  it("refuse changing the owner's own password or ending their sessions", async () => {
    const person = await createUser(accountId, { role: "user", password: "a long and unusual passphrase" });
    const readOnly: Actor = tokenActorFor(person);
    await expect(
      changeOwnPassword(readOnly, person.id, { old_password: "a long and unusual passphrase", new_password: "another unusual passphrase" }, META),
    ).rejects.toThrow(Forbidden);
    await expect(revokeUserSessions(readOnly, person.id, {}, META)).rejects.toThrow(Forbidden);
    // An auditor's token is read-only too; an admin's token is not.
    await expect(revokeUserSessions(tokenActorFor(auditor), auditor.userId, {}, META)).rejects.toThrow(Forbidden);
    const otherAdmin = await actorFor(await createUser(accountId, { role: "admin" }));
    expect(await revokeUserSessions(tokenActorFor(otherAdmin), otherAdmin.userId, {}, META)).toEqual({ revoked: 1, tokens_deleted: 0 });
  });
});
