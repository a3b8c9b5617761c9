/**
 * usernames (issue 19): invites without an email (a link the admin hands
 * over), usernames named on an invite (kept for it), the invitee's choice
 * checked again when accepting (two invitees racing for one username: one is
 * told in the field, the other invite stays usable), one's own username
 * behind the owner's switch, sorting by username, and the search index
 * keeping the username when the name or email changes; no invite username in
 * plaintext at rest. Both dialects.
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import type { SessionActor } from "@/lib/auth/actor";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import type { SignInLimits } from "@/lib/config";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { createUser } from "@/lib/users/lifecycle";
import { changeOwnUsername, OWN_USERNAME_NOT_ALLOWED } from "@/lib/users/own-username";
import { updateOwnName } from "@/lib/users/profile";
import { listUsers } from "@/lib/users/queries";
import { createUserSchema } from "@/lib/users/schemas";
import { createAccount, createUser as createTestUser, lastEvent, META, startSession } from "@/test/factories";
import { acceptInvite } from "./acceptance";
import { createInvite, deleteInvite, listInvites } from "./invites";
import { createInviteSchema } from "./schemas";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 1000, delaySeconds: 1, maxDelaySeconds: 1, ipFreeAttempts: 1000, lockoutFailures: 1000, lockoutWindowSeconds: 60 };

let owner: SessionActor;
let ip = 0;
/** Each accept from its own address: the accept limit (10 per 5 minutes per address) is not what is tested here. */
const fromNewAddress = () => ({ ...META, ip: `198.51.100.${++ip}` });

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createTestUser(accountId, { role: "owner", name: "Olive Owner", username: "olive" }));
});

const inviteInput = (fields: Record<string, unknown>) => parseOrThrow(createInviteSchema, { name: "Ivy Invitee", role: "user", ...fields });

function fieldErrorsOf(err: unknown): Record<string, string[]> {
  expect(err instanceof Invalid || err instanceof Conflict, String(err)).toBe(true);
  return (err as Invalid | Conflict).fieldErrors;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (err: unknown) => err,
  );
}

describe("the invite input", () => {
  it("needs no email for a link handed over, but does to send it by email; a blank username means 'the invitee picks'", () => {
    for (const given of [{}, { email: "", username: " " }]) {
      const input = inviteInput(given);
      expect([input.email, input.username]).toEqual([undefined, undefined]);
    }
    let thrown: unknown;
    try {
      inviteInput({ send_email: true });
    } catch (err) {
      thrown = err;
    }
    expect(fieldErrorsOf(thrown).email).toEqual(["Enter an email to send the invite by email"]);
    expect(() => inviteInput({ username: "no spaces" })).toThrow(Invalid);
  });
});

describe("a link-only invite", () => {
  it("asks the invitee for a username, then makes a person with no email who signs in with it", async () => {
    const { token, invite } = await createInvite(owner, inviteInput({ name: "Linus Link" }), META);
    expect(invite).toMatchObject({ email: null, username: null });
    expect((await lastEvent()).details).toMatchObject({ link_only: true });

    const missing = await refusal(acceptInvite(token, PASSWORD, fromNewAddress()));
    expect(fieldErrorsOf(missing).username).toEqual(["Choose a username: you will sign in with it"]);

    const accepted = await acceptInvite(token, PASSWORD, fromNewAddress(), undefined, "Linus.Link");
    expect(accepted).toMatchObject({ email: null, username: "Linus.Link" });
    await expect(signInWithPassword("linus.link", PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: accepted.userId });
  });

  it("of two invitees choosing one username, the second is told in the field and keeps their invite", async () => {
    const first = await createInvite(owner, inviteInput({ name: "First Racer" }), META);
    const second = await createInvite(owner, inviteInput({ name: "Second Racer" }), META);
    const [a, b] = await Promise.allSettled([
      acceptInvite(first.token, PASSWORD, fromNewAddress(), undefined, "racer"),
      acceptInvite(second.token, PASSWORD, fromNewAddress(), undefined, "RACER"),
    ]);
    const won = [a, b].filter((r) => r.status === "fulfilled");
    const lost = [a, b].filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(Conflict);
    expect(fieldErrorsOf(lost[0].reason).username).toEqual(["This username is taken"]);
    // Nothing lost: the loser's invite still works, with another username.
    const loserToken = a.status === "rejected" ? first.token : second.token;
    await expect(acceptInvite(loserToken, PASSWORD, fromNewAddress(), undefined, "racer2")).resolves.toMatchObject({ username: "racer2" });
  });
});

describe("a username named on an invite", () => {
  it("is kept for the invite: nobody else gets it meanwhile, and deleting the invite frees it", async () => {
    const { invite } = await createInvite(owner, inviteInput({ email: "kept@example.com", username: "Kept.Name" }), META);
    expect(invite.username).toBe("Kept.Name");
    const asUser = await refusal(createUser(owner, parseOrThrow(createUserSchema, { username: "kept.name", name: "Other", role: "user" }), META));
    expect(fieldErrorsOf(asUser).username).toEqual(["This username is kept for a pending invite"]);
    const asInvite = await refusal(createInvite(owner, inviteInput({ username: "KEPT.NAME" }), META));
    expect(fieldErrorsOf(asInvite).username).toEqual(["This username is kept for a pending invite"]);
    // A derived username steps around it.
    const derived = await createUser(owner, parseOrThrow(createUserSchema, { email: "kept.name@elsewhere.example", role: "user" }), META);
    expect(derived.user.username).toBe("kept.name2");
    // Found in the invites list by it.
    expect((await listInvites(owner, { search: "kept.na", limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual([invite.id]);

    await deleteInvite(owner, invite.id, META);
    await expect(createUser(owner, parseOrThrow(createUserSchema, { username: "kept.name", role: "user" }), META)).resolves.toBeTruthy();
  });

  it("is the one the invitee gets: the same in another case is fine, another is refused", async () => {
    const { token } = await createInvite(owner, inviteInput({ email: "named@example.com", username: "named.one" }), META);
    const other = await refusal(acceptInvite(token, PASSWORD, fromNewAddress(), undefined, "someone.else"));
    expect(fieldErrorsOf(other).username).toEqual(["This invite is for the username named.one"]);
    await expect(acceptInvite(token, PASSWORD, fromNewAddress(), undefined, "NAMED.ONE")).resolves.toMatchObject({ username: "named.one", email: "named@example.com" });
  });

  it("an email invite without one still derives it from the email when the invitee leaves it out", async () => {
    const { token } = await createInvite(owner, inviteInput({ email: "derive.me@example.com" }), META);
    await expect(acceptInvite(token, PASSWORD, fromNewAddress())).resolves.toMatchObject({ username: "derive.me" });
  });
});

describe("one's own username", () => {
  it("is refused with the reason until the owner allows it, then changes and is recorded as self-service", async () => {
    const member = await startSession(await createTestUser(owner.accountId, { name: "Mo Member", username: "mo.member" }));
    const refused = await refusal(changeOwnUsername(member, { username: "mo" }, META));
    expect(refused).toBeInstanceOf(Forbidden);
    expect((refused as Error).message).toBe(OWN_USERNAME_NOT_ALLOWED);

    await setUsernameChangeAllowed(owner, true, META);
    try {
      expect((await changeOwnUsername(member, { username: "Mo" }, META)).username).toBe("Mo");
      expect(await lastEvent()).toMatchObject({ action: "user.updated", targetId: member.userId, details: { changed: ["username"], self_service: true } });
      const taken = await refusal(changeOwnUsername(member, { username: "OLIVE" }, META));
      expect(fieldErrorsOf(taken).username).toEqual(["This username is taken"]);
    } finally {
      await setUsernameChangeAllowed(owner, false, META);
    }
  });
});

describe("Team → Users by username", () => {
  it("sorts by username in either order", async () => {
    for (const username of ["zz.sort", "aa.sort", "Mm.sort"]) {
      await createUser(owner, parseOrThrow(createUserSchema, { username, name: `Sort ${username}`, role: "user" }), META);
    }
    const sorted = async (order: "asc" | "desc") =>
      (await listUsers(owner, { search: ".sort", sort: "username", order, offset: 0, limit: 10 })).items.map((u) => u.username);
    expect(await sorted("asc")).toEqual(["aa.sort", "Mm.sort", "zz.sort"]);
    expect(await sorted("desc")).toEqual(["zz.sort", "Mm.sort", "aa.sort"]);
  });

  it("still finds a person by username after they change their name", async () => {
    const member = await startSession(await createTestUser(owner.accountId, { name: "Before Rename", username: "findme.later" }));
    await updateOwnName(member, { name: "After Rename" }, META);
    const found = await listUsers(owner, { search: "findme.later", offset: 0, limit: 10, order: "asc" });
    expect(found.items.map((u) => u.id)).toEqual([member.userId]);
  });
});

describe("at rest", () => {
  it("keeps an invite's username out of plaintext in the database", async () => {
    const marker = "Invitedprobeuser";
    const { invite } = await createInvite(owner, inviteInput({ username: marker }), META);
    if (dialect() === "sqlite") {
      const file = config().databaseFile;
      const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      expect(bytes.includes(Buffer.from(invite.id))).toBe(true);
      for (const probe of [marker, marker.toLowerCase()]) expect(bytes.includes(Buffer.from(probe)), probe).toBe(false);
    } else {
      const [{ n }] = await rows<{ n: number }>(
        db(),
        sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM invites WHERE strpos(lower(row_to_json(invites)::text), lower(${marker})) > 0`,
      );
      expect(Number(n)).toBe(0);
      const [{ m }] = await rows<{ m: number }>(db(), sql`SELECT CAST(count(*) AS INTEGER) AS "m" FROM invites WHERE id = ${invite.id} AND username_ciphertext IS NOT NULL`);
      expect(Number(m)).toBe(1);
    }
  });
});
