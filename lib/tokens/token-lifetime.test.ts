/**
 * A token can't renew itself into one that outlives it (round 13's review): a leaked token with a day left
 * turned, with one POST /api/users/{me}/tokens, into a year-long token that survived its expiry and its
 * deletion. A token creating a token for its own user now gets one that ends no later than itself (the
 * answer's expiration_date says when); tokens an admin's token creates for service users keep the
 * lifetime asked for (provisioning automation). And a token made that way is deleted with its maker: before, the
 * leaked token's copy kept working after the person deleted the leaked one, until the leaked one's own end.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { accessTokens } from "@/lib/db/schema";
import { createUser as createUserService } from "@/lib/users/lifecycle";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";
import { authenticateAccessToken, mintAccessToken } from "./access-tokens";
import { createAccessToken, deleteAccessToken } from "./personal-tokens";
import { createTokenSchema } from "./schemas";

const DAY_MS = 24 * 60 * 60 * 1000;
let accountId: string;
let admin: { id: string; accountId: string };

beforeAll(async () => {
  accountId = await createAccount();
  admin = await createUser(accountId, { role: "admin" });
}, 60_000);

async function tokenOf(days: number) {
  const { plain, row } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: admin.id, name: `maker-${Math.random()}`, expiresInDays: days, createdBy: admin.id }));
  const actor = await authenticateAccessToken(plain);
  expect(actor?.kind).toBe("token");
  return { actor: actor!, plain, expiresAt: row.expiresAt };
}

const create = (actor: Awaited<ReturnType<typeof tokenOf>>["actor"], userId: string, days: number) =>
  createAccessToken(actor, userId, createTokenSchema.parse({ name: `made-${Math.random()}`, expires_in: days }), META);

describe("a token can't renew itself past its own end", { timeout: 60_000 }, () => {
  it("a one-day token of an admin asking for 365 days for itself gets a token that ends with it", async () => {
    const maker = await tokenOf(1);
    const { token } = await create(maker.actor, admin.id, 365);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, token.id));
    expect(stored.expiresAt.getTime()).toBe(maker.expiresAt.getTime());
  });

  it("its token.created event says that its maker's end decided its end, not the 365 days asked (review 22)", async () => {
    const maker = await tokenOf(1);
    const { token } = await create(maker.actor, admin.id, 365);
    expect(await lastEvent()).toMatchObject({
      action: "token.created",
      targetId: token.id,
      details: { expires_in_days: 365, ends_with_token: maker.actor.tokenId, expires_at: maker.expiresAt.toISOString() },
    });
    // Asked for less than its maker has left: the days asked, and nothing about the maker.
    const shorter = await tokenOf(30);
    await create(shorter.actor, admin.id, 7);
    const details = (await lastEvent()).details as Record<string, unknown>;
    expect(details).toMatchObject({ expires_in_days: 7 });
    expect(details).not.toHaveProperty("ends_with_token");
  });

  it("keeps what was asked when it ends sooner than the maker", async () => {
    const maker = await tokenOf(30);
    const { token } = await create(maker.actor, admin.id, 7);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, token.id));
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * DAY_MS);
  });

  it("an admin's token creates a service user's token with the lifetime asked for", async () => {
    const maker = await tokenOf(1);
    const { user: robot } = await createUserService(maker.actor, { is_service_user: true, name: "Deploy bot", role: "user", auto_groups: [] } as never, META);
    const { token } = await create(maker.actor, robot.id, 365);
    const [stored] = await db().select().from(accessTokens).where(eq(accessTokens.id, token.id));
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(365 * DAY_MS);
  });
});

describe("a token's deletion takes what it made for its own user", { timeout: 60_000 }, () => {
  it("the tokens a deleted token made, and what they made, stop working with it, on record", async () => {
    const maker = await tokenOf(30);
    const child = await create(maker.actor, admin.id, 30);
    const childActor = (await authenticateAccessToken(child.plain))!;
    const grandchild = await create(childActor, admin.id, 30);

    await deleteAccessToken(await startSession(admin), admin.id, maker.actor.tokenId, META);

    expect(await authenticateAccessToken(child.plain)).toBeNull();
    expect(await authenticateAccessToken(grandchild.plain)).toBeNull();
    expect(await lastEvent()).toMatchObject({ action: "token.deleted", targetId: maker.actor.tokenId, details: { made_tokens_deleted: 2 } });
  });

  it("a made token's deletion leaves its maker, and an admin's token leaves the service users' tokens it made", async () => {
    const maker = await tokenOf(30);
    const child = await create(maker.actor, admin.id, 30);
    const { user: robot } = await createUserService(maker.actor, { is_service_user: true, name: "Build bot", role: "user", auto_groups: [] } as never, META);
    const robots = await create(maker.actor, robot.id, 30);

    await deleteAccessToken(await startSession(admin), admin.id, child.token.id, META);
    expect(await authenticateAccessToken(child.plain)).toBeNull();
    expect(await authenticateAccessToken(maker.plain)).not.toBeNull();
    await deleteAccessToken(await startSession(admin), admin.id, maker.actor.tokenId, META);

    expect(await authenticateAccessToken(robots.plain)).not.toBeNull();
    expect((await lastEvent())?.details).toEqual({ user_id: admin.id, service_user: false });
  });
});
