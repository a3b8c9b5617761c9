/**
 * How many access tokens one user holds is bounded (round 13's review: any member, with no permission at
 * all, could mint tokens in a loop; each is a row every listing reads and each queued a notice mail).
 * The cap counts unexpired tokens; deleting one makes room again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Conflict } from "@/lib/errors";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { MAX_TOKENS_PER_USER } from "./limits";
import { createAccessToken, deleteAccessToken } from "./personal-tokens";
import { createTokenSchema } from "./schemas";

let member: SessionActor;

beforeAll(async () => {
  const accountId = await createAccount();
  member = await startSession(await createUser(accountId, { role: "user" }));
}, 60_000);

// Each token a session makes for its person is a proof attempt (lib/mfa/proof.ts), counted against the password
// change's limit: emptied before each, so the flood meets the token cap, not that limit.
const mint = async (i: number) => {
  await resetRateLimits();
  return createAccessToken(member, member.userId, createTokenSchema.parse({ name: `flood-${i}`, expires_in: 365 }), META);
};

describe("a user's number of access tokens is bounded", { timeout: 180_000 }, () => {
  it(`refuses the token after the ${MAX_TOKENS_PER_USER}th, and makes room when one is deleted`, async () => {
    const first = await mint(0);
    for (let i = 1; i < MAX_TOKENS_PER_USER; i++) await mint(i);
    const refused = await mint(MAX_TOKENS_PER_USER).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Conflict);
    expect((refused as Conflict).message).toMatch(new RegExp(`already has ${MAX_TOKENS_PER_USER} access tokens`));

    await deleteAccessToken(member, member.userId, first.token.id, META);
    await expect(mint(MAX_TOKENS_PER_USER)).resolves.toMatchObject({ token: { name: `flood-${MAX_TOKENS_PER_USER}` } });
  });
});
