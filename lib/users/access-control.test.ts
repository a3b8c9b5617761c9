import { describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/client";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { resetUserPassword } from "./access-control";

describe("resetUserPassword", () => {
  it("ends the person's sessions and access tokens and asks for a new password", async () => {
    const accountId = createAccount();
    const owner = startSession(await createUser(accountId, { role: "owner", name: "Olive" }));
    const bob = await createUser(accountId, { role: "admin", name: "Bob", password: "bobs old passphrase" });
    const bobSession = startSession(bob);
    const token = writeTransaction((tx) =>
      mintAccessToken(tx, { accountId, userId: bob.id, name: "laptop", expiresInDays: 30, createdBy: bob.id }),
    );
    expect(authenticateAccessToken(token.plain)).not.toBeNull();

    const { password } = await resetUserPassword({ ...owner, role: "owner" }, bob.id, {}, META);

    expect(password).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(resolveSession(bobSession.sessionId)).toBeNull();
    expect(authenticateAccessToken(token.plain)).toBeNull();
    expect(lastEvent()).toMatchObject({
      action: "user.password.reset",
      details: { generated: true, sessions_ended: 1, tokens_deleted: 1 },
    });
  });
});
