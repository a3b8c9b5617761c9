/**
 * What a stolen owner session cookie can do with ownership. Making someone else the owner hands them the
 * account for good (the former owner becomes an admin the new owner outranks), so a session transferring
 * ownership proves it's the owner first (lib/mfa/proof.ts: the password, else a code from the app, else a
 * recent sign-in), in the service: the dashboard's form and PUT /api/users/{id} with the cookie alike. Before,
 * only the form's confirm_transfer=yes was asked: whoever held the cookie invited their own address, accepted
 * it and made that account the owner. An access token (automation, as for creating tokens) isn't asked.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { RateLimited } from "@/lib/errors";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createAccount, createUser, lastEvent, META, startSession, userRow } from "@/test/factories";
import { updateUser } from "./lifecycle";

const PASSWORD = "a long and unusual passphrase";

beforeEach(async () => {
  await resetRateLimits();
});

describe("transferring ownership from a session", () => {
  it("needs the owner's password: without it, or with a wrong one, nothing moves and the refusal is on record", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
    const attacker = await createUser(accountId, { role: "user" });
    const stolen = await startSession(owner);

    await expect(updateUser(stolen, attacker.id, { role: "owner" }, META)).rejects.toMatchObject({ fieldErrors: { password: ["Current password is required"] } });
    await expect(updateUser(stolen, attacker.id, { role: "owner" }, META, { password: "a guess at it" })).rejects.toMatchObject({
      fieldErrors: { password: ["Current password is incorrect"] },
    });
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: owner.id, details: { change: "ownership.transfer", reason: "password" } });
    expect(await userRow(attacker.id)).toMatchObject({ role: "user" });
    expect(await userRow(owner.id)).toMatchObject({ role: "owner" });

    const moved = await updateUser(stolen, attacker.id, { role: "owner" }, META, { password: PASSWORD });
    expect(moved.role).toBe("owner");
    expect(await userRow(owner.id)).toMatchObject({ role: "admin" });
    expect(await lastEvent()).toMatchObject({ action: "account.ownership.transferred" });
  });

  it("counts wrong passwords with the proof's limit (the password change's), per person", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
    const heir = await createUser(accountId, { role: "admin" });
    const stolen = await startSession(owner);
    for (let i = 0; i < 10; i++) await updateUser(stolen, heir.id, { role: "owner" }, META, { password: `guess ${i}` }).catch(() => undefined);
    await expect(updateUser(stolen, heir.id, { role: "owner" }, META, { password: PASSWORD })).rejects.toThrow(RateLimited);
    expect(await userRow(heir.id)).toMatchObject({ role: "admin" });
  });

  it("asks nothing for other edits, and a non-owner's attempt is refused as before, not asked for a password", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
    const admin = await createUser(accountId, { role: "admin", password: PASSWORD });
    const person = await createUser(accountId, { role: "user" });
    const ownerSession = await startSession(owner);
    await expect(updateUser(ownerSession, person.id, { name: "Renamed Person", role: "auditor" }, META)).resolves.toMatchObject({ role: "auditor" });

    const adminSession = await startSession(admin);
    await expect(updateUser(adminSession, person.id, { role: "owner" }, META)).rejects.toThrow("Only the owner can give the owner role");
    expect(await lastEvent()).not.toMatchObject({ action: "mfa.proof.failed" });
  });

  it("doesn't ask the owner's access token (automation, as for creating tokens)", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
    const heir = await createUser(accountId, { role: "admin" });
    const made = await createAccessToken(await startSession(owner), owner.id, { name: "terraform", expires_in: 30 }, META, { password: PASSWORD });
    const asToken = (await authenticateAccessToken(made.plain))!;
    await expect(updateUser(asToken, heir.id, { role: "owner" }, META)).resolves.toMatchObject({ role: "owner" });
  });
});
