import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, SessionActor, TokenActor } from "@/lib/auth/actor";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
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
async function tokenActorFor(who: { id: string; accountId: string } | SessionActor): Promise<TokenActor> {
  const user = "kind" in who ? { id: who.userId, accountId: who.accountId } : who;
  const { plain } = await writeSystem(async (tx) =>
    await mintAccessToken(tx, { accountId: user.accountId, userId: user.id, name: uniqueName("actor"), expiresInDays: 1, createdBy: user.id }),
  );
  const actor = await authenticateAccessToken(plain);
  if (!actor) throw new Error("fresh token does not authenticate");
  return actor;
}

async function tokenRow(id: string) {
  const [row] = await db().select().from(accessTokens).where(eq(accessTokens.id, id));
  return row;
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
    const { plain, token } = await createAccessToken(member, member.userId, input("  laptop  ", 7), META);

    expect(plain).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
    expect(token).toMatchObject({ name: "laptop", userId: member.userId, accountId, createdBy: member.userId, lastUsedAt: null });
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(token.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    expect(JSON.stringify(token)).not.toContain(plain);
    expect(await authenticateAccessToken(plain)).toMatchObject({ kind: "token", tokenId: token.id, userId: member.userId, role: "user" });

    const event = (await lastEvent())!;
    expect(event).toMatchObject({ action: "token.created", accountId, actorType: "user", actorId: member.userId, targetType: "token", targetId: token.id });
    expect(event.details).toMatchObject({ user_id: member.userId, service_user: false, expires_in_days: 7 });
    const stored = JSON.stringify(event);
    expect(stored).not.toContain(plain);
    expect(stored).not.toContain(plain.slice(4, 34));
    expect(stored).not.toContain((await tokenRow(token.id))!.tokenDigest);
  });

  it("defaults to 30 days and bounds the expiry to 1–365 whole days", async () => {
    expect(createTokenSchema.parse({ name: "x" }).expires_in).toBe(30);
    for (const expires_in of [0, 366, 1.5, -1, "30", null]) {
      await expect(createAccessToken(member, member.userId, { name: uniqueName(), expires_in } as never, META)).rejects.toThrow(Invalid);
    }
    for (const name of ["", "   ", "x".repeat(101), "line\nbreak", 42, undefined]) {
      await expect(createAccessToken(member, member.userId, { name, expires_in: 30 } as never, META)).rejects.toThrow(Invalid);
    }
    const { token } = await createAccessToken(member, member.userId, input(uniqueName(), 365), META);
    expect(token.expiresAt.getTime() - token.createdAt.getTime()).toBe(365 * DAY_MS);
  });

  it("refuses a second token with the same name for the same user (409), and allows it for another user", async () => {
    const name = uniqueName("ci");
    await createAccessToken(member, member.userId, input(name), META);
    await expect(createAccessToken(member, member.userId, input(name), META)).rejects.toThrow(Conflict);
    // The clash is the name field's: the form says it there, the API names it under "errors".
    const message = `A token named "${name}" already exists for this user`;
    await expect(createAccessToken(member, member.userId, input(`  ${name} `), META)).rejects.toMatchObject({ fieldErrors: { name: [message] } });
    expect((await createAccessToken(otherMember, otherMember.userId, input(name), META)).token.name).toBe(name);
  });

  it("lets the owner and admins manage a service user's tokens, recording who created them", async () => {
    for (const actor of [owner, admin]) {
      const { token } = await createAccessToken(actor, robot.id, input(), META);
      expect(token).toMatchObject({ userId: robot.id, createdBy: actor.userId });
      expect((await lastEvent())!.details).toMatchObject({ user_id: robot.id, service_user: true });
    }
  });

  it("lets nobody create tokens for another person, whatever their role", async () => {
    for (const actor of [owner, admin]) {
      await expect(createAccessToken(actor, member.userId, input(), META)).rejects.toThrow(Forbidden);
    }
    await expect(createAccessToken(admin, owner.userId, input(), META)).rejects.toThrow(Forbidden);
    await expect(createAccessToken(owner, admin.userId, input(), META)).rejects.toThrow(Forbidden);
  });

  it("refuses auditors on service users (403), and hides other users from users (404)", async () => {
    await expect(createAccessToken(auditor, robot.id, input(), META)).rejects.toThrow(Forbidden);
    await expect(createAccessToken(member, robot.id, input(), META)).rejects.toThrow(NotFound);
    await expect(createAccessToken(member, otherMember.userId, input(), META)).rejects.toThrow(NotFound);
  });

  it("treats another account's users and unknown ids as not found", async () => {
    await expect(createAccessToken(stranger, robot.id, input(), META)).rejects.toThrow(NotFound);
    await expect(createAccessToken(owner, stranger.userId, input(), META)).rejects.toThrow(NotFound);
    await expect(createAccessToken(owner, "no-such-user", input(), META)).rejects.toThrow(NotFound);
  });

  it("lets an admin's token manage tokens, but not a user's or an auditor's token (read-only)", async () => {
    const adminRobot = await tokenActorFor(robot);
    expect((await createAccessToken(adminRobot, robot.id, input(), META)).token.createdBy).toBe(robot.id);
    const other = await serviceUser("user");
    expect((await createAccessToken(adminRobot, other.id, input(), META)).token.userId).toBe(other.id);

    const readOnly = await tokenActorFor(other);
    await expect(createAccessToken(readOnly, other.id, input(), META)).rejects.toThrow(Forbidden);
    await expect(createAccessToken(await tokenActorFor(member), member.userId, input(), META)).rejects.toThrow(Forbidden);
    await expect(createAccessToken(await tokenActorFor(auditor), auditor.userId, input(), META)).rejects.toThrow(Forbidden);
    // The same people in the dashboard (session) manage their own tokens.
    expect((await createAccessToken(auditor, auditor.userId, input(), META)).token.userId).toBe(auditor.userId);
  });

  it("writes nothing when refused", async () => {
    const before = (await db().select().from(accessTokens)).length;
    const events = (await db().select().from(activityEvents)).length;
    await expect(createAccessToken(admin, member.userId, input(), META)).rejects.toThrow(Forbidden);
    expect((await db().select().from(accessTokens)).length).toBe(before);
    expect((await db().select().from(activityEvents)).length).toBe(events);
  });
});

describe("listing and reading tokens", () => {
  it("lists a user's tokens newest first, with metadata only", async () => {
    const user = await actorFor(await createUser(accountId, { role: "user" }));
    const first = (await createAccessToken(user, user.userId, input("first"), META)).token;
    await new Promise((r) => setTimeout(r, 5));
    const second = (await createAccessToken(user, user.userId, input("second"), META)).token;
    const list = await listAccessTokens(user, user.userId);
    expect(list.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(Object.keys(list[0]).sort()).toEqual(["accountId", "createdAt", "createdBy", "expiresAt", "id", "lastUsedAt", "name", "permissions", "userId"]);
    expect(await getAccessToken(user, user.userId, first.id)).toEqual(first);
  });

  it("shows service users' tokens to auditors too, and nobody another person's tokens", async () => {
    await createAccessToken(admin, robot.id, input(), META);
    expect((await listAccessTokens(auditor, robot.id)).length).toBeGreaterThan(0);
    expect((await listAccessTokens(owner, robot.id)).length).toBeGreaterThan(0);
    for (const actor of [owner, admin, auditor]) await expect(listAccessTokens(actor, member.userId)).rejects.toThrow(Forbidden);
    await expect(listAccessTokens(member, robot.id)).rejects.toThrow(NotFound);
    await expect(listAccessTokens(member, otherMember.userId)).rejects.toThrow(NotFound);
    await expect(listAccessTokens(stranger, robot.id)).rejects.toThrow(NotFound);
  });

  it("finds a token only under its own user's id", async () => {
    const mine = (await createAccessToken(member, member.userId, input(), META)).token;
    const robots = (await createAccessToken(admin, robot.id, input(), META)).token;
    await expect(getAccessToken(otherMember, otherMember.userId, mine.id)).rejects.toThrow(NotFound);
    await expect(getAccessToken(admin, robot.id, mine.id)).rejects.toThrow(NotFound);
    await expect(getAccessToken(member, member.userId, robots.id)).rejects.toThrow(NotFound);
    await expect(getAccessToken(member, member.userId, "no-such-token")).rejects.toThrow(NotFound);
    await expect(getAccessToken(stranger, stranger.userId, mine.id)).rejects.toThrow(NotFound);
  });

  it("counts tokens per user for those allowed to see them", async () => {
    const counted = await serviceUser("user");
    await createAccessToken(admin, counted.id, input(), META);
    await createAccessToken(admin, counted.id, input(), META);
    const empty = await serviceUser("user");
    expect(await tokenCountsByUser(admin, [counted.id, empty.id])).toEqual(new Map([[counted.id, 2]]));
    expect((await tokenCountsByUser(member, [counted.id])).size).toBe(0);
    expect((await tokenCountsByUser(stranger, [counted.id])).size).toBe(0);
  });
});

describe("deleteAccessToken", () => {
  it("deletes the token, which stops authenticating at once, and records token.deleted", async () => {
    const { plain, token } = await createAccessToken(member, member.userId, input(), META);
    expect(await authenticateAccessToken(plain)).not.toBeNull();
    await deleteAccessToken(member, member.userId, token.id, META);
    expect(await tokenRow(token.id)).toBeUndefined();
    expect(await authenticateAccessToken(plain)).toBeNull();
    expect(await lastEvent()).toMatchObject({ action: "token.deleted", actorId: member.userId, targetType: "token", targetId: token.id });
    expect(JSON.stringify(await lastEvent())).not.toContain(plain);
  });

  it("refuses another user's token ids as not found, leaving the token alone", async () => {
    const theirs = (await createAccessToken(otherMember, otherMember.userId, input(), META)).token;
    const robots = (await createAccessToken(admin, robot.id, input(), META)).token;
    await expect(deleteAccessToken(member, member.userId, theirs.id, META)).rejects.toThrow(NotFound);
    await expect(deleteAccessToken(admin, robot.id, theirs.id, META)).rejects.toThrow(NotFound);
    await expect(deleteAccessToken(admin, admin.userId, robots.id, META)).rejects.toThrow(NotFound);
    await expect(deleteAccessToken(stranger, stranger.userId, theirs.id, META)).rejects.toThrow(NotFound);
    await expect(deleteAccessToken(admin, otherMember.userId, theirs.id, META)).rejects.toThrow(Forbidden);
    expect(await tokenRow(theirs.id)).toBeDefined();
    expect(await tokenRow(robots.id)).toBeDefined();
  });

  it("lets admins delete service users' tokens but not auditors or read-only tokens", async () => {
    const target = await serviceUser("user");
    const { token } = await createAccessToken(admin, target.id, input(), META);
    await expect(deleteAccessToken(auditor, target.id, token.id, META)).rejects.toThrow(Forbidden);
    const readOnly = await tokenActorFor(target);
    await expect(deleteAccessToken(readOnly, target.id, token.id, META)).rejects.toThrow(Forbidden);
    await deleteAccessToken(owner, target.id, token.id, META);
    expect(await tokenRow(token.id)).toBeUndefined();
  });

  it("lets an admin token delete itself, naming itself in the event", async () => {
    const self = await tokenActorFor(robot);
    await deleteAccessToken(self, robot.id, self.tokenId, META);
    expect(await lastEvent()).toMatchObject({ action: "token.deleted", actorType: "token", actorId: self.tokenId });
  });
});

describe("a token acts with its owner's role and status at the moment of the request", () => {
  it("demoting, blocking and deleting the service user take effect on the next request", async () => {
    const target = await serviceUser("admin");
    const { plain } = await createAccessToken(admin, target.id, input(), META);
    expect((await authenticateAccessToken(plain))?.role).toBe("admin");

    await updateUser(admin, target.id, { role: "user", auto_groups: [], is_blocked: false }, META);
    const demoted = (await authenticateAccessToken(plain))!;
    expect(demoted.role).toBe("user");
    await expect(createAccessToken(demoted, target.id, input(), META)).rejects.toThrow(Forbidden);

    await setUserBlocked(admin, target.id, true, META);
    expect(await authenticateAccessToken(plain)).toBeNull();
    await setUserBlocked(admin, target.id, false, META);
    expect(await authenticateAccessToken(plain)).not.toBeNull();

    await deleteUser(admin, target.id, META);
    expect(await authenticateAccessToken(plain)).toBeNull();
    expect(await db().select().from(accessTokens).where(eq(accessTokens.userId, target.id))).toEqual([]);
  });
});

describe("read-only tokens on self-service writes", () => {
  it("refuse changing the owner's own password or ending their sessions", async () => {
    const person = await createUser(accountId, { role: "user", password: "a long and unusual passphrase" });
    const readOnly: Actor = await tokenActorFor(person);
    await expect(
      changeOwnPassword(readOnly, person.id, { old_password: "a long and unusual passphrase", new_password: "another unusual passphrase" }, META),
    ).rejects.toThrow(Forbidden);
    await expect(revokeUserSessions(readOnly, person.id, {}, META)).rejects.toThrow(Forbidden);
    // An auditor's token is read-only too; an admin's token is not.
    await expect(revokeUserSessions(await tokenActorFor(auditor), auditor.userId, {}, META)).rejects.toThrow(Forbidden);
    const otherAdmin = await actorFor(await createUser(accountId, { role: "admin" }));
    expect(await revokeUserSessions(await tokenActorFor(otherAdmin), otherAdmin.userId, {}, META)).toEqual({ revoked: 1, tokens_deleted: 0 });
  });
});
