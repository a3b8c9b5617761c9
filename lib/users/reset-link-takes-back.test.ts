/**
 * Review 6: "Forgot password?" is how a person takes their account back when someone else got in. The
 * link (lib/users/password-reset.ts resetPasswordWithToken) ends every session, but emits
 * user.password_changed with revokeTokens: false, so the personal access tokens someone minted from a
 * stolen session keep working (and so do the apps' grants and refresh tokens at the OpenID provider,
 * which that effect ends only with revokeTokens). An admin's reset (user.password_reset) ends both
 * ("a reset is how an admin takes an account back"), and the person's own password change offers it;
 * the link offers neither.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { createPasswordResetLink, resetPasswordWithToken } from "./password-reset";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
  await resetRateLimits();
});

describe("a reset link takes the account back", () => {
  it("ends the access tokens made from a stolen session", async () => {
    const owner = await startSession(await createUser(accountId, { role: "owner" }));
    const victim = await createUser(accountId, { password: "the victim's old passphrase 9" });
    // The attacker, in a stolen session, makes themselves a token.
    // (Minting one from a session needs the password too since review 7b: this thief phished it as well.)
    const { plain: token } = await createAccessToken(await startSession(victim), victim.id, { name: "backup", expires_in: 365 }, META, { password: "the victim's old passphrase 9" });
    expect(await authenticateAccessToken(token)).not.toBeNull();

    // The victim asks for a reset link (here handed over by the operator, the same link and rules) and uses it.
    const link = await createPasswordResetLink(owner, victim.id, META);
    await resetPasswordWithToken({ token: link.token, password: "a fresh passphrase only I know 77" }, META);

    expect(await authenticateAccessToken(token), "the attacker's token after the reset").toBeNull();
    // Recorded: what the reset ended.
    expect(await lastEvent()).toMatchObject({ action: "user.password.reset_by_link", details: { tokens_deleted: 1 } });
  });
});
