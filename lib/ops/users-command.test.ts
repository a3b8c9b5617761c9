import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptKeys } from "@/lib/security/sign-in-throttle";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { invites, passwordResets, signInLockouts } from "@/lib/db/schema";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { resetLinkUsable } from "@/lib/users/password-reset";
import { resolveSession } from "@/lib/sessions/sessions";
import { createInvite } from "@/lib/invites/invites";
import { sealInvitePii } from "@/lib/invites/records";
import { createInviteSchema } from "@/lib/invites/schemas";
import { parseOrThrow } from "@/lib/http/validation";
import { openIdentity, sealUsername } from "@/lib/users/records";
import { USERNAME_EDGES, USERNAME_MIXED_SCRIPTS } from "@/lib/users/username-rule";
import { createAccount, createUser, META, startSession, eventsOf as accountEventsOf, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { runUsersCommand } from "./users-command";

let accountId: string;
let owner: TestUser;
let member: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", name: "Olive Owner", email: "olive@example.com", username: "olive" });
  member = await createUser(accountId, { name: "Mona Member", email: "mona@example.com", username: "mona", password: "a long and unusual passphrase" });
});

const eventsOf = (action: string) => accountEventsOf(accountId, action);

describe("npm run users", () => {
  it("lists and shows users, found by email or username", async () => {
    const listed = await runUsersCommand(["list", "--json"]);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.lines[0]) as Array<{ email: string; role: string }>;
    expect(rows.map((r) => r.email)).toEqual(expect.arrayContaining(["olive@example.com", "mona@example.com"]));
    const searched = await runUsersCommand(["list", "--search", "mon"]);
    expect(searched.lines.join("\n")).toContain("mona@example.com");
    expect(searched.lines.join("\n")).not.toContain("olive@example.com");

    const shown = await runUsersCommand(["show", "MONA", "--json"]);
    expect(JSON.parse(shown.lines[0])).toMatchObject({ id: member.id, email: "mona@example.com", role: "user", status: "active" });
    expect((await runUsersCommand(["show", "nobody@example.com"])).code).toBe(1);
    expect((await runUsersCommand(["block"])).code).toBe(2);
  });

  it("blocks (ending sessions) and unblocks through the services, each recorded as the command", async () => {
    const session = await startSession(member);
    const blocked = await runUsersCommand(["block", "mona@example.com"]);
    expect(blocked).toMatchObject({ code: 0 });
    expect((await userRow(member.id))!.isBlocked).toBe(true);
    expect(await resolveSession(session.sessionId)).toBeNull();
    const [event] = await eventsOf("user.blocked");
    expect(event).toMatchObject({ actorType: "system", actorId: null, targetId: member.id, userAgent: "npm run users" });

    // The same rules as everywhere: the owner can't be blocked.
    const refused = await runUsersCommand(["block", "olive"]);
    expect(refused.code).toBe(1);
    expect(refused.lines[0]).toContain("The owner can't be blocked");
    expect((await userRow(owner.id))!.isBlocked).toBe(false);

    expect((await runUsersCommand(["unblock", "mona"])).code).toBe(0);
    expect((await userRow(member.id))!.isBlocked).toBe(false);
    expect(await eventsOf("user.unblocked")).toHaveLength(1);
  });

  it("unlocks sign-in and revokes sessions", async () => {
    const keys = attemptKeys(member.email, "198.51.100.3");
    await writeSystem(async (tx) => {
      await tx.insert(signInLockouts).values({ accountId, emailIndex: keys.emailIndex, failures: 100, windowStartedAt: new Date(), lockedUntil: new Date(Date.now() + 3_600_000) });
    });
    const unlocked = await runUsersCommand(["unlock", "mona"]);
    expect(unlocked.lines[0]).toContain("sign-in unlocked");
    expect(await db().select().from(signInLockouts).where(eq(signInLockouts.emailIndex, keys.emailIndex))).toEqual([]);
    expect((await eventsOf("user.unlocked"))[0]).toMatchObject({ actorType: "system" });

    const session = await startSession(member);
    const revoked = await runUsersCommand(["revoke-sessions", "mona@example.com"]);
    expect(revoked.lines[0]).toMatch(/1 session ended/);
    expect(await resolveSession(session.sessionId)).toBeNull();
    expect((await eventsOf("user.sessions.revoked"))[0]).toMatchObject({ actorType: "system", targetId: member.id });
  });

  it("prints a one-time reset link when mail is off, recorded; the link works", async () => {
    const result = await runUsersCommand(["reset-password", "mona", "--url", "https://id.example.com/"]);
    expect(result.code).toBe(0);
    const link = result.lines.join("\n").match(/https:\/\/id\.example\.com\/reset-password\?token=(lkr_[0-9A-Za-z]+)/);
    expect(link).not.toBeNull();
    expect(await resetLinkUsable(link![1])).toBe(true);
    const [stored] = await db().select().from(passwordResets).where(eq(passwordResets.userId, member.id));
    expect(stored.tokenDigest).toBe(digestToken(link![1]));
    expect((await eventsOf("user.password.reset_link_created"))[0]).toMatchObject({ actorType: "system", targetId: member.id });
    // A user without a local password has no link to reset.
    expect((await runUsersCommand(["reset-password", "olive"])).code).toBe(1);
  });

  it("check-usernames lists the stored usernames that break today's rules (users and invites) and changes nothing", async () => {
    expect(await runUsersCommand(["check-usernames"])).toEqual({ code: 0, lines: ["Every stored username keeps today's rules."] });

    // Stored before the look-alike rules: "mona." beside "mona", and Latin with a Cyrillic "а".
    const dotted = await createUser(accountId, { email: "dotted@example.com", username: "dotted" });
    await updateUserRow(dotted.id, sealUsername(dotted.id, "mona."));
    const mixed = await createUser(accountId, { email: "mixed@example.com", username: "mixed" });
    await updateUserRow(mixed.id, sealUsername(mixed.id, "p\u0430ypal"));
    const issued = await createInvite(await startSession(owner), parseOrThrow(createInviteSchema, { name: "Ivy", username: "ivy", role: "user" }), META);
    const sealed = sealInvitePii(issued.invite.id, null, "Ivy", "-ivy");
    await writeSystem(async (tx) => {
      await tx.update(invites).set({ usernameCiphertext: sealed.usernameCiphertext, usernameIndex: sealed.usernameIndex }).where(eq(invites.id, issued.invite.id));
    });

    const listed = await runUsersCommand(["check-usernames", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.lines[0])).toEqual([
      ...[
        { holder: "user", id: dotted.id, username: "mona.", email: "dotted@example.com", problem: USERNAME_EDGES },
        { holder: "user", id: mixed.id, username: "p\u0430ypal", email: "mixed@example.com", problem: USERNAME_MIXED_SCRIPTS },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
      { holder: "invite", id: issued.invite.id, username: "-ivy", email: null, problem: USERNAME_EDGES },
    ]);
    const text = (await runUsersCommand(["check-usernames"])).lines.join("\n");
    expect(text).toContain(`user\t${dotted.id}\tmona.\tdotted@example.com\t${USERNAME_EDGES}`);
    expect(text).toContain("3 usernames break today's rules.");
    // Nothing changed: they keep their usernames, and nothing is on record.
    expect(openIdentity((await userRow(dotted.id))!).username).toBe("mona.");
    expect(await eventsOf("user.updated")).toEqual([]);
  });
});
