/**
 * Usernames stored while they were compared lower-cased only (the attacker review of usernames): the start-up
 * pass gives each the case-folded index, so "straße" is still found at the sign-in form, and of two accounts
 * that differed only by case ("admin" and "admın", whose capitals are both "ADMIN") the one that no longer
 * compared as before is renumbered and the change recorded. Both dialects.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { encryptField } from "@/lib/crypto/aead";
import { keyRing } from "@/lib/crypto/keys";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, invites, meta } from "@/lib/db/schema";
import { createInvite } from "@/lib/invites/invites";
import { openInvite } from "@/lib/invites/records";
import { createInviteSchema } from "@/lib/invites/schemas";
import { parseOrThrow } from "@/lib/http/validation";
import { openIdentity, sealUsername } from "@/lib/users/records";
import { usernameHolder } from "@/lib/users/username";
import { createAccount, createUser, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { refoldStoredUsernames, USERNAMES_FOLDED } from "./username-refold";

/** The index a username got before: its NFKC form lower-cased, nothing more. */
const lowerCasedIndex = (username: string) =>
  crypto.createHmac("sha256", keyRing().emailIndexKey).update(username.trim().normalize("NFKC").toLowerCase(), "utf8").digest("base64url");

/** A user whose username was stored under the lower-cased index, as an older version stored it. */
async function storedBefore(accountId: string, username: string): Promise<TestUser> {
  const user = await createUser(accountId);
  await updateUserRow(user.id, { usernameCiphertext: sealUsername(user.id, username).usernameCiphertext, usernameIndex: lowerCasedIndex(username) });
  return { ...user, username };
}

const usernameOf = async (id: string) => openIdentity((await userRow(id))!).username;

let accountId: string;
let admin: TestUser;
let lookAlike: TestUser;
let strasse: TestUser;
let dotted: TestUser;
let inviteId: string;

beforeAll(async () => {
  accountId = await createAccount();
  admin = await createUser(accountId, { role: "owner", username: "admin" });
  lookAlike = await storedBefore(accountId, "adm\u0131n");
  strasse = await storedBefore(accountId, "stra\u00dfe");
  // Also from before the look-alike rules (no "." at an end): re-keyed, not re-derived into "groß".
  dotted = await storedBefore(accountId, "gro\u00df.");
  await createUser(accountId, { username: "\u03bd\u03af\u03ba\u03bf\u03c2" });
  const issued = await createInvite(await startSession(admin), parseOrThrow(createInviteSchema, { name: "Nikos", username: "nikos.invite", role: "user" }), META);
  inviteId = issued.invite.id;
  const nikos = "\u03bd\u03af\u03ba\u03bf\u03c3";
  await writeSystem(async (tx) => {
    await tx.delete(meta).where(eq(meta.key, USERNAMES_FOLDED));
    const usernameCiphertext = encryptField(nikos, { table: "invites", column: "username", rowId: inviteId });
    await tx.update(invites).set({ usernameCiphertext, usernameIndex: lowerCasedIndex(nikos) }).where(eq(invites.id, inviteId));
  });
}, 60_000);

describe("usernames stored before they were compared case-folded", () => {
  it("are not found in another case until the pass, then are; a clash is renumbered and recorded; once only", async () => {
    expect(await usernameHolder(db(), accountId, "STRASSE")).toBeUndefined();

    expect(await refoldStoredUsernames({ batchSize: 2 })).toBe(1);

    // Found by any spelling with the same capitals, and kept as typed.
    for (const typed of ["stra\u00dfe", "STRASSE", "strasse", "STRA\u1e9eE"]) expect(await usernameHolder(db(), accountId, typed), typed).toBe(strasse.id);
    expect(await usernameOf(strasse.id)).toBe("stra\u00dfe");
    expect(await usernameOf(dotted.id)).toBe("gro\u00df.");
    expect(await usernameHolder(db(), accountId, "GROSS.")).toBe(dotted.id);
    // "admin" keeps its name; "admın" (the same in capitals) moves to the first free numbered form.
    expect(await usernameHolder(db(), accountId, "admin")).toBe(admin.id);
    expect(await usernameOf(lookAlike.id)).toBe("adm\u0131n2");
    expect(await usernameHolder(db(), accountId, "ADMIN2")).toBe(lookAlike.id);
    const [event] = await db().select().from(activityEvents).where(eq(activityEvents.targetId, lookAlike.id));
    expect(event).toMatchObject({ action: "user.updated", actorType: "system" });
    // The invite's "νίκοσ" is "νίκος" (a user's) in another case: renumbered too.
    const [invite] = await db().select().from(invites).where(eq(invites.id, inviteId));
    expect(openInvite(invite).username).toBe("\u03bd\u03af\u03ba\u03bf\u03c32");

    // Noted once done: a second start reads nothing and changes nothing.
    await storedBefore(accountId, "kırmızı");
    expect(await refoldStoredUsernames()).toBe(0);
    expect(await usernameHolder(db(), accountId, "KIRMIZI")).toBeUndefined();
  });
});
