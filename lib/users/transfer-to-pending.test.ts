/**
 * Review 6: ownership can be transferred to someone still waiting for approval (a person who signed in
 * through a provider with "require approval" and was never let in). They can't sign in (every sign-in
 * path refuses pending_approval), and the former owner, now an admin, can't approve them (approving needs
 * to outrank them; nobody outranks the owner): the account is left with an owner nobody can be, until an
 * operator runs the owner recovery on the server. A blocked person is refused as a new owner
 * (lib/users/rules.ts assertCanUpdateUser); a pending one should be too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { approveUser } from "./approval";
import { updateUser } from "./lifecycle";
import { createAccount, createUser, META, startSession, updateUserRow, userRow } from "@/test/factories";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

describe("ownership goes only to someone who can sign in", () => {
  it("refuses to make a person awaiting approval the owner", async () => {
    const ownerUser = await createUser(accountId, { role: "owner" });
    const owner = await startSession(ownerUser);
    const waiting = await createUser(accountId, { role: "user" });
    await updateUserRow(waiting.id, { pendingApproval: true });

    let transferred = true;
    try {
      await updateUser(owner, waiting.id, { role: "owner" }, META);
    } catch {
      transferred = false;
    }
    if (transferred) {
      // What follows: the former owner, now an admin, can't let the new owner in.
      await expect(approveUser(await startSession(ownerUser), waiting.id, META)).rejects.toThrow();
      expect(await userRow(waiting.id)).toMatchObject({ role: "owner", pendingApproval: true });
    }
    expect(transferred, "ownership went to a person who can't sign in and whom nobody may approve").toBe(false);
  });
});
