/**
 * Retired usernames (review 29's open finding), on both dialects: a username freed by a deletion or a rename
 * is refused to everyone else for the holding period — an admin's create or rename, a self-rename on Profile,
 * an invite naming it, an invitee picking it, a generated one — with the taken message; the person it was
 * taken from may take it back; after the period it is free and the maintenance job prunes it; no plaintext.
 */
import fs from "node:fs";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { decryptField } from "@/lib/crypto/aead";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { retiredUsernames } from "@/lib/db/schema";
import { Conflict, Forbidden, NotFound } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { runMaintenance } from "@/lib/jobs";
import { listParamsSchema } from "@/lib/http/list-params";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser as createTestUser, eventsOf, META, startSession } from "@/test/factories";
import { createUser, deleteUser, updateUser } from "./lifecycle";
import { changeOwnUsername } from "./own-username";
import { listRetiredUsernames, releaseRetiredUsername, USERNAME_HOLD_DAYS } from "./retired-usernames";
import { createUserSchema } from "./schemas";
import { USERNAME_HELD_BACK, USERNAME_TAKEN } from "./username";

const PASSWORD = "a long and unusual passphrase";
const DAY = 86_400_000;

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createTestUser(accountId, { role: "owner", name: "Olive Owner", username: "olive" }));
});

const person = (fields: Record<string, unknown>) => parseOrThrow(createUserSchema, { role: "user", ...fields });
const inviteInput = (fields: Record<string, unknown>) => parseOrThrow(createInviteSchema, { name: "Ivy Invitee", role: "user", ...fields });
let ip = 0;
const fromNewAddress = () => ({ ...META, ip: `198.51.100.${++ip}` });

/** The refusal a taken username gets: 409, the username field, the taken message (or another, `message`). */
async function expectTaken(attempt: Promise<unknown>, what: string, message = USERNAME_TAKEN): Promise<void> {
  const err = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, what).toBeInstanceOf(Conflict);
  expect((err as Conflict).message, what).toBe(message);
  expect((err as Conflict).fieldErrors, what).toEqual({ username: [message] });
}

/** The same refusal as said to someone who may list the held-back names (an admin, the owner): why, and what to do. */
const expectHeldBack = (attempt: Promise<unknown>, what: string) => expectTaken(attempt, what, USERNAME_HELD_BACK);

/** Moves the account's retired rows' time back by `days` (as if retired that long before). */
async function ageRetired(days: number): Promise<void> {
  const all = await db().select().from(retiredUsernames).where(eq(retiredUsernames.accountId, accountId));
  await writeSystem(async (tx) => {
    for (const row of all) {
      await tx
        .update(retiredUsernames)
        .set({ retiredAt: new Date(row.retiredAt.getTime() - days * DAY) })
        .where(eq(retiredUsernames.id, row.id));
    }
  });
}

describe("a deleted person's username", () => {
  it("is refused to anyone else, by every road, in any case or form: explained to the owner, the taken message to others", async () => {
    const { user } = await createUser(owner, person({ username: "Departed.Dana", name: "Dana", email: "dana@example.com" }), META);
    await deleteUser(owner, user.id, META);

    await expectHeldBack(createUser(owner, person({ username: "departed.dana", name: "New Dana" }), META), "create");
    const { user: other } = await createUser(owner, person({ username: "someone.else", name: "Someone" }), META);
    await expectHeldBack(updateUser(owner, other.id, { username: "DEPARTED.DANA" }, META), "an admin's rename");
    await expectHeldBack(createInvite(owner, inviteInput({ username: "Departed.Dana" }), META), "an invite naming it");
    const { token } = await createInvite(owner, inviteInput({ name: "Link Only" }), META);
    await expectTaken(acceptInvite(token, PASSWORD, fromNewAddress(), undefined, "departed.dana"), "an invitee picking it");

    const member = await startSession(await createTestUser(accountId, { username: "member.mo", name: "Mo" }));
    await setUsernameChangeAllowed(owner, true, META);
    try {
      await expectTaken(changeOwnUsername(member, { username: "Departed.Dana" }, META), "a self-rename on Profile");
    } finally {
      await setUsernameChangeAllowed(owner, false, META);
    }
  });

  it("is skipped by a generated username", async () => {
    const { user } = await createUser(owner, person({ email: "gen.gale@example.com" }), META);
    expect(user.username).toBe("gen.gale");
    await deleteUser(owner, user.id, META);
    const { user: next } = await createUser(owner, person({ email: "gen.gale@other.example" }), META);
    expect(next.username).toBe("gen.gale2");
    // An invitee who picks none gets a generated one too.
    const { token } = await createInvite(owner, inviteInput({ email: "gen.gale@third.example" }), META);
    const accepted = await acceptInvite(token, PASSWORD, fromNewAddress());
    expect(accepted.username).toBe("gen.gale3");
  });

  it("is free again after the holding period, and the maintenance job prunes the row", async () => {
    const { user } = await createUser(owner, person({ username: "short.stay", name: "Short Stay" }), META);
    await deleteUser(owner, user.id, META);
    await ageRetired(USERNAME_HOLD_DAYS - 1);
    await expectHeldBack(createUser(owner, person({ username: "short.stay", name: "Too Soon" }), META), "a day before the end");
    await ageRetired(2);
    const countRows = async () => (await db().select().from(retiredUsernames).where(eq(retiredUsernames.accountId, accountId))).length;
    const before = await countRows();
    const { failed } = await runMaintenance();
    expect(failed).toEqual([]);
    expect(await countRows()).toBeLessThan(before);
    const { user: newcomer } = await createUser(owner, person({ username: "short.stay", name: "Later" }), META);
    expect(newcomer.username).toBe("short.stay");
  });
});

describe("a renamed person's old username", () => {
  it("is refused to others but the same person takes it back, by an admin or on Profile", async () => {
    const { user } = await createUser(owner, person({ username: "rita.old", name: "Rita" }), META);
    await updateUser(owner, user.id, { username: "rita.new" }, META);
    const { user: other } = await createUser(owner, person({ username: "other.oscar", name: "Oscar" }), META);
    await expectHeldBack(updateUser(owner, other.id, { username: "rita.old" }, META), "another person");
    // The rename undone: the same user id takes it back, and the name given up in turn is held for them.
    expect((await updateUser(owner, user.id, { username: "Rita.Old" }, META)).username).toBe("Rita.Old");
    await expectHeldBack(updateUser(owner, other.id, { username: "rita.new" }, META), "the name given up in turn");

    const member = await startSession(await createTestUser(accountId, { username: "self.sam", name: "Sam" }));
    await setUsernameChangeAllowed(owner, true, META);
    try {
      await changeOwnUsername(member, { username: "self.samuel" }, META);
      await expectHeldBack(createUser(owner, person({ username: "self.sam", name: "Squatter" }), META), "taken by a create after a self-rename");
      expect((await changeOwnUsername(member, { username: "self.sam" }, META)).username).toBe("self.sam");
    } finally {
      await setUsernameChangeAllowed(owner, false, META);
    }
  });

  it("is held in its own account only", async () => {
    const { user } = await createUser(owner, person({ username: "roaming.ray", name: "Ray" }), META);
    await deleteUser(owner, user.id, META);
    const other = await createAccount();
    const stranger = await startSession(await createTestUser(other, { role: "owner", username: "owner-elsewhere" }));
    expect((await createUser(stranger, person({ username: "roaming.ray", name: "Ray Two" }), META)).user.username).toBe("roaming.ray");
  });
});

describe("Settings → Usernames: the held-back list and the owner's early release", () => {
  // An account of its own: ageRetired above moves every row of the shared account.
  let own: string;
  let boss: SessionActor;
  let admin: SessionActor;
  const list = (actor: SessionActor, query: Record<string, unknown> = {}) => listRetiredUsernames(actor, listParamsSchema.parse(query));
  beforeAll(async () => {
    own = await createAccount();
    boss = await startSession(await createTestUser(own, { role: "owner", username: "boss" }));
    admin = await startSession(await createTestUser(own, { role: "admin", username: "the.admin" }));
  });

  it("lists the names held now, newest first, with whose they were; search is a whole username in any case", async () => {
    const { user: gone } = await createUser(boss, person({ username: "Gone.Gail", name: "Gail" }), META);
    await deleteUser(boss, gone.id, META);
    const { user: renamed } = await createUser(boss, person({ username: "ren.old", name: "Ren" }), META);
    await updateUser(boss, renamed.id, { username: "ren.new" }, META);

    const { items, total } = await list(admin);
    expect(total).toBe(2);
    expect(items.map((r) => r.username)).toEqual(["ren.old", "Gone.Gail"]);
    expect(items[0]).toMatchObject({ formerUserId: renamed.id, formerHolder: { id: renamed.id, name: "Ren", username: "ren.new" } });
    expect(items[1]).toMatchObject({ formerUserId: gone.id, formerHolder: null });
    expect(items[1].heldUntil.getTime() - items[1].retiredAt.getTime()).toBe(USERNAME_HOLD_DAYS * DAY);

    expect((await list(boss, { search: "GONE.gail" })).items.map((r) => r.username)).toEqual(["Gone.Gail"]);
    expect(await list(boss, { search: "gone" })).toEqual({ items: [], total: 0 });
    expect((await list(boss, { limit: "1", offset: "1" })).items.map((r) => r.username)).toEqual(["Gone.Gail"]);
  });

  it("is refused to a member, to a role that sees settings but not people, and to another account's owner by id", async () => {
    const member = await startSession(await createTestUser(own, { username: "just.a.member" }));
    await expect(list(member)).rejects.toBeInstanceOf(Forbidden);
    const settingsOnly = await createRole(boss, roleInputSchema.parse({ name: "Settings reader", description: "", permissions: ["settings:read"] }), META);
    const reader = await createTestUser(own, { username: "settings.reader" });
    await setUserRoles(boss, reader.id, { role_ids: [settingsOnly.id] }, META);
    await expect(list(await startSession(reader)), "the list names people: users:read too").rejects.toBeInstanceOf(Forbidden);
    const { items } = await list(boss);
    const elsewhere = await startSession(await createTestUser(await createAccount(), { role: "owner" }));
    expect((await list(elsewhere)).total).toBe(0);
    await expect(releaseRetiredUsername(elsewhere, items[0].id, META)).rejects.toBeInstanceOf(NotFound);
  });

  it("release: the owner's alone; the name is anyone's at once, on record; a second release is not found", async () => {
    const { items } = await list(boss, { search: "gone.gail" });
    const [held] = items;
    await expect(releaseRetiredUsername(admin, held.id, META)).rejects.toBeInstanceOf(Forbidden);
    await expectHeldBack(createUser(admin, person({ username: "gone.gail", name: "Newcomer" }), META), "before the release");

    expect(await releaseRetiredUsername(boss, held.id, META)).toEqual({ username: "Gone.Gail" });
    const [event] = await eventsOf(own, "username.released");
    expect(event).toMatchObject({ actorId: boss.userId, targetType: "username", targetId: held.id });
    expect(decryptField(event.targetLabelCiphertext!, { table: "activity_events", column: "target_label", rowId: event.id })).toBe("Gone.Gail");
    expect(event.details).toMatchObject({ former_user_id: held.formerUserId });

    expect((await createUser(admin, person({ username: "gone.gail", name: "Newcomer" }), META)).user.username).toBe("gone.gail");
    await expect(releaseRetiredUsername(boss, held.id, META)).rejects.toBeInstanceOf(NotFound);
  });

  it("is explained only to whoever may list them: a recruiter gets the taken message, and a name someone holds is taken", async () => {
    const { user } = await createUser(boss, person({ username: "quiet.quinn", name: "Quinn" }), META);
    await deleteUser(boss, user.id, META);
    const recruiting = await createRole(boss, roleInputSchema.parse({ name: "Recruiter", description: "", permissions: ["users:create"] }), META);
    const recruiter = await createTestUser(own, { username: "the.recruiter" });
    await setUserRoles(boss, recruiter.id, { role_ids: [recruiting.id] }, META);
    await expectTaken(createUser(await startSession(recruiter), person({ username: "quiet.quinn", name: "Q" }), META), "a recruiter's create");
    await expectHeldBack(createUser(boss, person({ username: "quiet.quinn", name: "Q" }), META), "the owner's create");
    await expectTaken(createUser(boss, person({ username: "the.admin", name: "Another Admin" }), META), "a name someone holds");
  });

  it("a name its former holder takes back is held no longer: not listed, not releasable (review 32)", async () => {
    const { user } = await createUser(boss, person({ username: "back.bea", name: "Bea" }), META);
    await updateUser(boss, user.id, { username: "bea.new" }, META);
    const [held] = (await list(boss, { search: "back.bea" })).items;
    expect(held).toMatchObject({ formerUserId: user.id });
    await updateUser(boss, user.id, { username: "Back.Bea" }, META);
    expect((await list(boss, { search: "back.bea" })).total, "the person has it again").toBe(0);
    await expect(releaseRetiredUsername(boss, held.id, META)).rejects.toBeInstanceOf(NotFound);
    expect((await list(boss, { search: "bea.new" })).items.map((r) => r.formerUserId), "the name given up in turn is held").toEqual([user.id]);
    // A change of case alone holds nothing: the person has the name.
    await updateUser(boss, user.id, { username: "back.bea" }, META);
    expect((await list(boss, { search: "back.bea" })).total).toBe(0);
  });

  it("a name past its period is no longer listed nor releasable", async () => {
    const { user } = await createUser(boss, person({ username: "old.olaf", name: "Olaf" }), META);
    await deleteUser(boss, user.id, META);
    const [held] = (await list(boss, { search: "old.olaf" })).items;
    await writeSystem((tx) => tx.update(retiredUsernames).set({ retiredAt: new Date(Date.now() - (USERNAME_HOLD_DAYS + 1) * DAY) }).where(eq(retiredUsernames.id, held.id)));
    expect((await list(boss, { search: "old.olaf" })).total).toBe(0);
    await expect(releaseRetiredUsername(boss, held.id, META)).rejects.toBeInstanceOf(NotFound);
  });
});

describe("at rest", () => {
  it("keeps the retired username sealed and indexed, never in plaintext", async () => {
    const marker = "Retiredprobeuser";
    const { user } = await createUser(owner, person({ username: marker, name: "Probe" }), META);
    await deleteUser(owner, user.id, META);
    const [row] = await db().select().from(retiredUsernames).where(eq(retiredUsernames.formerUserId, user.id));
    expect(row).toBeDefined();
    expect(decryptField(row.usernameCiphertext, { table: "retired_usernames", column: "username", rowId: row.id })).toBe(marker);
    expect(JSON.stringify(row).toLowerCase()).not.toContain(marker.toLowerCase());

    if (dialect() === "sqlite") {
      const file = config().databaseFile;
      const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      expect(bytes.includes(Buffer.from(row.id))).toBe(true);
      for (const probe of [marker, marker.toLowerCase()]) expect(bytes.includes(Buffer.from(probe)), probe).toBe(false);
    } else {
      const [{ n }] = await rows<{ n: number }>(
        db(),
        sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM retired_usernames
            WHERE strpos(lower(username_ciphertext), ${marker.toLowerCase()}) > 0 OR strpos(lower(username_index), ${marker.toLowerCase()}) > 0
               OR strpos(lower(former_user_id), ${marker.toLowerCase()}) > 0`,
      );
      expect(n).toBe(0);
    }
  });
});
