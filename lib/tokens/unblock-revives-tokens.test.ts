/**
 * Review 6: blocking someone ends their sessions, their apps' grants and tokens, their pending links and
 * invites (the user.blocked reactions), but not their personal access tokens: those only fail while the
 * block lasts (authenticateAccessToken checks is_blocked). When an admin blocks a compromised account
 * and later unblocks it, every token minted meanwhile by whoever had it works again — unlike the apps'
 * tokens, which the block ended for good. A block should end them as it ends everything else.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setUserBlocked } from "@/lib/users/lifecycle";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { authenticateAccessToken } from "./access-tokens";
import { createAccessToken } from "./personal-tokens";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

describe("a block ends what the blocked account made", () => {
  it("an access token minted before the block doesn't come back with the unblock", async () => {
    const owner = await startSession(await createUser(accountId, { role: "owner" }));
    const person = await createUser(accountId, { role: "user" });
    const { plain } = await createAccessToken(await startSession(person), person.id, { name: "made by whoever had the session", expires_in: 365 }, META);
    await setUserBlocked(owner, person.id, true, META);
    expect(await authenticateAccessToken(plain)).toBeNull();
    // Recorded in the block's event. (A service user's block is a pause: its tokens stay, refused while it
    // lasts; lib/tokens/personal-tokens.test.ts checks they work again after the unblock.)
    expect(await lastEvent()).toMatchObject({ action: "user.blocked", details: { tokens_deleted: 1 } });
    await setUserBlocked(owner, person.id, false, META);
    expect(await authenticateAccessToken(plain), "the token after block and unblock").toBeNull();
  });
});
