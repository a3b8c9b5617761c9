/**
 * A password change checks the current password (argon2, tens of milliseconds) before its write. A change,
 * reset or recovery that commits in that time wins: before, a request checked against the old password
 * (an access token's holder who knew it) wrote its own password over the one the person had just chosen,
 * and ended their sessions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { Invalid } from "@/lib/errors";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { afterNextPasswordCheck } from "@/test/password-check-race";
import { changeOwnPassword } from "./password";

const OLD = "a long and unusual passphrase";
const THEIRS = "the person's own new passphrase";
const ATTACKER = "what the token's holder wanted";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

describe("a password change racing another change of the same password", () => {
  it("refuses the change whose current password stopped being current while it was checked", async () => {
    // An admin: a member's own token is read-only, and changes no password.
    const person = await createUser(accountId, { email: "person@example.com", role: "admin", password: OLD });
    const own = await startSession(person);
    const { plain } = await createAccessToken(own, person.id, { name: "leaked", expires_in: 30 }, META, { password: OLD });
    const token = (await authenticateAccessToken(plain))!;
    afterNextPasswordCheck(() => changeOwnPassword(own, person.id, { old_password: OLD, new_password: THEIRS }, META));

    const refused = await changeOwnPassword(token, person.id, { old_password: OLD, new_password: ATTACKER }, META).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(Invalid);
    expect((refused as Invalid).fieldErrors).toEqual({ old_password: ["Current password is incorrect"] });
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, THEIRS)).toBe(true);
  });
});
