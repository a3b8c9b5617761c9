/**
 * What a stolen session cookie can leave behind (review 7b). A personal access token acts on its own for up
 * to a year, and neither a new password nor "Sign out everywhere else" ends it, so a session creating one for
 * its own person proves it's them first, as for a new passkey (lib/mfa/proof.ts): the password when the
 * account has one. A token making a token, and an admin making a service user's, don't ask.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createUser as createUserAsAdmin } from "@/lib/users/lifecycle";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { authenticateAccessToken } from "./access-tokens";
import { createAccessToken } from "./personal-tokens";

const PASSWORD = "a long and unusual passphrase";

beforeEach(async () => {
  await resetRateLimits();
});

describe("creating one's own access token from a session", () => {
  it("needs the password: without it, or with a wrong one, nothing is created and the refusal is on record", async () => {
    const accountId = await createAccount();
    await createUser(accountId, { role: "owner" });
    const victim = await createUser(accountId, { role: "admin", password: PASSWORD });
    const stolen = await startSession(victim);

    await expect(createAccessToken(stolen, victim.id, { name: "backup script", expires_in: 365 }, META)).rejects.toMatchObject({
      fieldErrors: { password: [expect.any(String)] },
    });
    await expect(createAccessToken(stolen, victim.id, { name: "backup script", expires_in: 365 }, META, { password: "a guess at it" })).rejects.toMatchObject({
      fieldErrors: { password: [expect.any(String)] },
    });
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: victim.id, details: { change: "token.create", reason: "password" } });

    const made = await createAccessToken(stolen, victim.id, { name: "backup script", expires_in: 365 }, META, { password: PASSWORD });
    expect(await authenticateAccessToken(made.plain)).toMatchObject({ userId: victim.id });
  });

  it("doesn't ask a token making one for its own user, nor an admin making a service user's", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
    const ownerSession = await startSession(owner);
    const first = await createAccessToken(ownerSession, owner.id, { name: "first", expires_in: 30 }, META, { password: PASSWORD });
    const asToken = (await authenticateAccessToken(first.plain))!;
    await expect(createAccessToken(asToken, owner.id, { name: "second", expires_in: 30 }, META)).resolves.toMatchObject({ token: { name: "second" } });

    const { user: robot } = await createUserAsAdmin(ownerSession, { is_service_user: true, name: "CI robot", role: "admin", auto_groups: [] }, META);
    await expect(createAccessToken(ownerSession, robot.id, { name: "ci", expires_in: 30 }, META)).resolves.toMatchObject({ token: { name: "ci" } });
  });
});
