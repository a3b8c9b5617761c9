/**
 * The one lookup by blind index (./blind-index-lookup.ts), on both dialects:
 * users and pending invites by email and by username, in one account only,
 * with one blind index and with two (a key rotation under way), through db()
 * and inside a unit of work; and the availability checks built on it.
 */
import { describe, expect, it } from "vitest";
import { emailBlindIndex, emailBlindIndexes, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { invites } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";
import { createAccount, createUser } from "@/test/factories";
import { holdersByBlindIndex, idByBlindIndex } from "./blind-index-lookup";
import { assertEmailAvailable } from "./email-availability";
import { sealEmail, sealName, sealUsername } from "./records";
import { allocateUsername, assertUsernameAvailable, usernameHolder } from "./username";

async function addInvite(accountId: string, email: string, username: string): Promise<string> {
  const id = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(invites).values({
      id,
      accountId,
      // The invites table has no proof column: only the sealed address and its index.
      emailCiphertext: sealEmail(id, email, null).emailCiphertext,
      emailIndex: sealEmail(id, email, null).emailIndex,
      ...sealName(id, "Invited"),
      ...sealUsername(id, username),
      role: "user",
      autoGroups: [],
      tokenDigest: crypto.randomUUID(),
      expiresAt: new Date(Date.now() + 86_400_000),
      createdBy: "test",
    });
  });
  return id;
}

describe("idByBlindIndex", () => {
  it("finds the account's user or invite by email or username, with one index or several, never another account's", async () => {
    const accountId = await createAccount();
    const other = await createAccount();
    const user = await createUser(accountId, { email: "Finn@Lookup.example", username: "Finn.L" });
    const inviteId = await addInvite(accountId, "ivy@lookup.example", "ivy");
    await createUser(other, { email: "otto@lookup.example", username: "otto" });
    // A blind index under a key that is not (or no longer) the current one: found by none.
    const stale = emailBlindIndex("someone-else@lookup.example");

    for (const q of [db(), null]) {
      const ask = async (holder: Parameters<typeof idByBlindIndex>[1], account: string, indexes: readonly string[]) =>
        q ? idByBlindIndex(q, holder, account, indexes) : writeSystem((tx) => idByBlindIndex(tx, holder, account, indexes));
      expect(await ask("user-email", accountId, emailBlindIndexes("finn@lookup.example"))).toBe(user.id);
      expect(await ask("user-username", accountId, usernameBlindIndexes("FINN.l"))).toBe(user.id);
      expect(await ask("invite-email", accountId, emailBlindIndexes("IVY@lookup.example"))).toBe(inviteId);
      expect(await ask("invite-username", accountId, usernameBlindIndexes("Ivy"))).toBe(inviteId);
      // Two indexes (a rotation): either one matching finds it, in either position.
      expect(await ask("user-email", accountId, [stale, ...emailBlindIndexes("finn@lookup.example")])).toBe(user.id);
      expect(await ask("user-email", accountId, [...emailBlindIndexes("finn@lookup.example"), stale])).toBe(user.id);
      expect(await ask("user-email", accountId, [stale, emailBlindIndex("nobody@lookup.example")])).toBeUndefined();
      // The question decides the table and the column: an invite's email is no user's, a user's email no username.
      expect(await ask("user-email", accountId, emailBlindIndexes("ivy@lookup.example"))).toBeUndefined();
      expect(await ask("invite-email", accountId, emailBlindIndexes("finn@lookup.example"))).toBeUndefined();
      expect(await ask("user-username", accountId, usernameBlindIndexes("finn@lookup.example"))).toBeUndefined();
      // Another account's user is not this account's.
      expect(await ask("user-email", accountId, emailBlindIndexes("otto@lookup.example"))).toBeUndefined();
      expect(await ask("user-username", other, usernameBlindIndexes("otto"))).toBeDefined();
      expect(await ask("user-email", accountId, [])).toBeUndefined();
    }
    expect(await usernameHolder(db(), accountId, "finn.l")).toBe(user.id);
  });

  it("asks users and pending invites at once (holdersByBlindIndex), in one account only", async () => {
    const accountId = await createAccount();
    const other = await createAccount();
    const user = await createUser(accountId, { email: "jo@both.example", username: "jo" });
    const inviteId = await addInvite(accountId, "kit@both.example", "kit");
    const both = await addInvite(accountId, "jo2@both.example", "Jo.Both");
    const userToo = await createUser(accountId, { email: "jo.both@both.example", username: "jo.both.user" });
    await createUser(other, { email: "otto@both.example", username: "otto" });
    const stale = emailBlindIndex("someone-else@both.example");
    await writeSystem(async (tx) => {
      expect(await holdersByBlindIndex(tx, "email", accountId, emailBlindIndexes("JO@both.example"))).toEqual({ user: user.id });
      expect(await holdersByBlindIndex(tx, "email", accountId, emailBlindIndexes("kit@both.example"))).toEqual({ invite: inviteId });
      expect(await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes("KIT"))).toEqual({ invite: inviteId });
      expect(await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes("jo.both"))).toEqual({ invite: both });
      // Two indexes (a rotation): either one finds it; a user and an invite found by different values come back together.
      expect(await holdersByBlindIndex(tx, "email", accountId, [stale, ...emailBlindIndexes("jo@both.example")])).toEqual({ user: user.id });
      expect(
        await holdersByBlindIndex(tx, "email", accountId, [...emailBlindIndexes("jo.both@both.example"), ...emailBlindIndexes("kit@both.example")]),
      ).toEqual({ user: userToo.id, invite: inviteId });
      // The field decides the column; another account's holders are not this account's.
      expect(await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes("jo@both.example"))).toEqual({});
      expect(await holdersByBlindIndex(tx, "email", accountId, emailBlindIndexes("otto@both.example"))).toEqual({});
      expect(await holdersByBlindIndex(tx, "email", accountId, [])).toEqual({});
      // The next free username skips one a pending invite keeps, as one a user holds.
      expect(await allocateUsername(tx, accountId, "kit")).toBe("kit2");
      expect(await allocateUsername(tx, accountId, "jo")).toBe("jo2");
      expect(await allocateUsername(tx, accountId, "jo", user.id)).toBe("jo");
    });
  });

  it("backs the availability checks, which let a row keep its own email or username", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { email: "gus@avail.example", username: "gus" });
    const inviteId = await addInvite(accountId, "hal@avail.example", "hal");
    await writeSystem(async (tx) => {
      await expect(assertEmailAvailable(tx, accountId, "GUS@avail.example")).rejects.toBeInstanceOf(Conflict);
      await expect(assertEmailAvailable(tx, accountId, "hal@avail.example")).rejects.toBeInstanceOf(Conflict);
      // The clash is the email field's (forms say it there; the API names it under "errors").
      await expect(assertEmailAvailable(tx, accountId, "GUS@avail.example")).rejects.toMatchObject({ fieldErrors: { email: ["A user with this email already exists"] } });
      await expect(assertEmailAvailable(tx, accountId, "hal@avail.example")).rejects.toMatchObject({ fieldErrors: { email: ["A pending invite for this email already exists"] } });
      await assertEmailAvailable(tx, accountId, "gus@avail.example", { userId: user.id });
      await assertEmailAvailable(tx, accountId, "hal@avail.example", { inviteId });
      await assertEmailAvailable(tx, accountId, "new@avail.example");
      await expect(assertUsernameAvailable(tx, accountId, "Gus")).rejects.toBeInstanceOf(Conflict);
      await expect(assertUsernameAvailable(tx, accountId, "hal")).rejects.toBeInstanceOf(Conflict);
      await assertUsernameAvailable(tx, accountId, "gus", user.id);
      await assertUsernameAvailable(tx, accountId, "hal", undefined, { inviteId });
      await assertUsernameAvailable(tx, accountId, "newname");
    });
  });
});
