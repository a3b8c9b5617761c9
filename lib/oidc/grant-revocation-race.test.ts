/**
 * More of the revocation ordering (lib/oidc/grants.ts, DESIGN comment): the provider's own revocation of a
 * grant (a reused refresh token, RFC 7009 revocation, logout) against a refresh of that grant minting
 * outside the write lock, and a person leaving an app's allowed group while a refresh is under way.
 * lib/oidc/revocation-race.test.ts covers block, sign-out everywhere and an app's grants revoked.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { setUserGroups } from "@/lib/groups/membership";
import { db } from "@/lib/db/database";
import { applicationGroups, applications, groups, oidcModels, userGroups } from "@/lib/db/schema";
import { usableUserOfApp } from "@/lib/oidc/accounts";
import { ConsumedMeanwhile, modelDigest, OidcAdapter } from "@/lib/oidc/adapter";
import { flushDeferredWrites, newRequestScope, oncePerRequest, personMemoKey, runInRequestScope } from "@/lib/oidc/request-scope";
import { createAccount } from "@/test/factories";
import { personAndApp } from "@/test/oidc-fixtures";
import { onPostgres } from "@/test/test-database";

beforeAll(async () => {
  await createAccount();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function holder() {
  const p = await personAndApp();
  const grantId = crypto.randomUUID();
  const refreshToken = crypto.randomUUID();
  await new OidcAdapter("Grant").upsert(grantId, { accountId: p.userId, clientId: p.clientId } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(refreshToken, { accountId: p.userId, clientId: p.clientId, grantId } as never, 3600);
  return { ...p, grantId, refreshToken };
}
type H = Awaited<ReturnType<typeof holder>>;

/** As lib/oidc/revocation-race.test.ts, plus the provider's person-and-app check (provider.ts personForApp) and a hook between check and flush. */
async function refreshGrant(h: H, between?: () => Promise<void>): Promise<"granted" | "refused"> {
  const refresh = new OidcAdapter("RefreshToken");
  const access = new OidcAdapter("AccessToken");
  const scope = newRequestScope(true);
  const ok = await runInRequestScope(scope, async () => {
    const old = await refresh.find(h.refreshToken);
    if (!old || old.consumed) return false;
    if ((await oncePerRequest(personMemoKey(h.userId, h.clientId), () => usableUserOfApp(h.userId, h.clientId))) === null) return false;
    await refresh.consume(h.refreshToken);
    await refresh.upsert(crypto.randomUUID(), { accountId: h.userId, clientId: h.clientId, grantId: h.grantId } as never, 3600);
    await access.upsert(crypto.randomUUID(), { accountId: h.userId, clientId: h.clientId, grantId: h.grantId } as never, 600);
    return true;
  });
  if (!ok) return "refused";
  if (between) await between();
  try {
    await flushDeferredWrites(scope, writeSystem);
    return "granted";
  } catch (err) {
    if (err instanceof ConsumedMeanwhile) return "refused";
    throw err;
  }
}
const tokensOfGrant = (grantId: string) =>
  db().select({ name: oidcModels.name }).from(oidcModels).where(eq(oidcModels.grantId, grantId));

describe.runIf(onPostgres)("PostgreSQL", () => {
  // The refresh's token row is held so its consume-and-mint is mid-statement when the revocation starts:
  // without the person's revocation lock in revokeByGrantId, the DELETE's snapshot never sees the new tokens.
  it("revokeByGrantId racing a consume-and-mint leaves no token of the grant", async () => {
    const h = await holder();
    const holdRow = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holdRow.connect();
    try {
      await holdRow.query("BEGIN");
      await holdRow.query("SELECT 1 FROM oidc_models WHERE name = 'RefreshToken' AND id = $1 FOR UPDATE", [modelDigest(h.refreshToken)]);
      const grant = refreshGrant(h);
      await sleep(300);
      const revoked = new OidcAdapter("RefreshToken").revokeByGrantId(h.grantId);
      await sleep(300);
      await holdRow.query("COMMIT");
      expect(await grant).toBe("granted");
      await revoked;
    } finally {
      await holdRow.end();
    }
    expect(await tokensOfGrant(h.grantId)).toEqual([]);
  }, 30_000);
});

// A person removed from the app's only group while a refresh is under way: the removal ends the app's
// tokens under the person's lock (lib/oidc/reactions.ts, user.groups_changed), so the refresh mints nothing.
describe("removed from the app's only allowed group while a refresh is under way", () => {
  it("the refresh mints nothing once the person may no longer use the app", async () => {
    const h = await holder();
    const groupId = crypto.randomUUID();
    await writeSystem(async (tx) => {
      await tx.insert(groups).values({ id: groupId, accountId: h.accountId, name: `g-${groupId}` });
      await tx.insert(applicationGroups).values({ applicationId: h.applicationId, groupId, accountId: h.accountId });
      await tx.update(applications).set({ restrictedToGroups: true }).where(eq(applications.id, h.applicationId));
      await tx.insert(userGroups).values({ userId: h.userId, groupId, accountId: h.accountId });
    });
    expect(await usableUserOfApp(h.userId, h.clientId)).not.toBeNull();
    const result = await refreshGrant(h, () =>
      writeSystem(async (tx) => void (await setUserGroups(tx, h.accountId, h.userId, []))),
    );
    expect(await usableUserOfApp(h.userId, h.clientId)).toBeNull();
    expect(result).toBe("refused");
  });
});
