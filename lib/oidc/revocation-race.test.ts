/**
 * On PostgreSQL the token endpoint's consume-and-mint runs outside the instance's write lock
 * (./adapter.ts consumeAndMintStatement). These tests hold that a revocation racing a refresh grant
 * never leaves a token minted by the grant: the grant holds the person's and the app's revocation locks
 * shared, every revocation takes its lock exclusive first (./grants.ts lockPersonForRevocation,
 * lockAppForRevocation) — the provider's own revocation of a grant (a reused refresh token, RFC 7009,
 * logout) and a person leaving an app's only allowed group included.
 */
import { and, eq, inArray } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { emit, noneEnded } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { applicationGroups, applications, groups, oidcModels, userGroups, users } from "@/lib/db/schema";
import { setUserGroups } from "@/lib/groups/membership";
import { createAccount, META, startSession } from "@/test/factories";
import { personAndApp } from "@/test/oidc-fixtures";
import { onPostgres } from "@/test/test-database";
import { usableUserOfApp } from "./accounts";
import { ConsumedMeanwhile, modelDigest, OidcAdapter } from "./adapter";
import { revokeAppGrants, revokeUserAppAccess, withdrawAppAccess } from "./grants";
import { flushDeferredWrites, newRequestScope, runInRequestScope } from "./request-scope";

beforeAll(async () => {
  await createAccount();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Until `backends` backends of the test database wait for a lock, or `done` settles. Each look is a statement of
 * its own on its own connection (a transaction keeps its first view of pg_stat_activity).
 */
async function untilWaiting(backends: number, done: Promise<unknown>): Promise<void> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  const look = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await look.connect();
  try {
    const waiting = async () =>
      (
        await look.query<{ n: number }>(
          "SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()",
        )
      ).rows[0].n >= backends;
    while (!settled && !(await waiting())) await sleep(20);
  } finally {
    await look.end();
  }
}

/** A person with a grant and a refresh token at an app. */
async function holder() {
  const { accountId, userId, clientId, applicationId } = await personAndApp();
  const grantId = crypto.randomUUID();
  const refreshToken = crypto.randomUUID();
  await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(refreshToken, { accountId: userId, clientId, grantId } as never, 3600);
  return { accountId, userId, clientId, applicationId, grantId, refreshToken };
}

type Holder = Awaited<ReturnType<typeof holder>>;

/**
 * A refresh grant's writes as the token endpoint defers them (consume the old token, mint two), then
 * flushed; `between` runs after the writes are decided and before they are flushed.
 */
async function refreshGrant(h: Holder, between?: () => Promise<unknown>): Promise<"granted" | "refused"> {
  const refresh = new OidcAdapter("RefreshToken");
  const access = new OidcAdapter("AccessToken");
  const scope = newRequestScope(true);
  const found = await runInRequestScope(scope, async () => {
    const old = await refresh.find(h.refreshToken);
    if (!old || old.consumed) return false;
    await refresh.consume(h.refreshToken);
    await refresh.upsert(crypto.randomUUID(), { accountId: h.userId, clientId: h.clientId, grantId: h.grantId } as never, 3600);
    await access.upsert(crypto.randomUUID(), { accountId: h.userId, clientId: h.clientId, grantId: h.grantId } as never, 600);
    return true;
  });
  if (!found) return "refused";
  if (between) await between();
  try {
    await flushDeferredWrites(scope, writeSystem);
    return "granted";
  } catch (err) {
    if (err instanceof ConsumedMeanwhile) return "refused";
    throw err;
  }
}

const revocations = {
  block: (h: Holder) =>
    writeSystem(async (tx) => {
      await tx.update(users).set({ isBlocked: true }).where(eq(users.id, h.userId));
      await emit(tx, "user.blocked", { accountId: h.accountId, userId: h.userId, ended: noneEnded() });
    }),
  // Leaves the person's row as it is: only the revocation's own lock orders it against the grant.
  sessions: (h: Holder) =>
    writeSystem((tx) => emit(tx, "user.sessions_revoked", { accountId: h.accountId, userId: h.userId, revokeTokens: true, ended: noneEnded() })),
  // Removed from the app's allowed groups: lib/oidc/reactions.ts ends their access to that app alone.
  appGroups: (h: Holder) => writeSystem((tx) => revokeUserAppAccess(tx, h.accountId, h.userId, h.clientId)),
  // The person's own "Revoke access" on Profile (review 32): their grants and tokens at the app end.
  withdraw: async (h: Holder) => withdrawAppAccess(await startSession({ id: h.userId, accountId: h.accountId }), h.clientId, META),
  // The app's secret rotated or the app deleted: every grant of the app ends (the app's lock, not the person's).
  appGrants: (h: Holder) => writeSystem((tx) => revokeAppGrants(tx, h.accountId, h.clientId)),
  // The provider's own revocation of the grant (a reused refresh token, RFC 7009, logout): its tokens by
  // grant id (./adapter.ts revokeByGrantId, the person's lock), then the grant itself, as oidc-provider does.
  provider: async (h: Holder) => {
    await new OidcAdapter("RefreshToken").revokeByGrantId(h.grantId);
    await new OidcAdapter("Grant").destroy(h.grantId);
  },
};

const tokensLeft = async (userId: string) =>
  db()
    .select({ name: oidcModels.name })
    .from(oidcModels)
    .where(and(eq(oidcModels.userId, userId), inArray(oidcModels.name, ["RefreshToken", "AccessToken", "Grant"])));

describe("a refresh grant racing a revocation", () => {
  for (const [name, revoke] of Object.entries(revocations)) {
    it(`${name}: many times side by side, no token of the person survives`, async () => {
      for (let i = 0; i < 15; i += 1) {
        const h = await holder();
        const [grant] = await Promise.all([refreshGrant(h), (async () => {
          await sleep(i % 4);
          await revoke(h);
        })()]);
        expect(["granted", "refused"]).toContain(grant);
        expect(await tokensLeft(h.userId)).toEqual([]);
      }
    }, 60_000);
  }

  // Deterministic: the grant is held inside its statement (another connection holds the old token's
  // row) while the revocation starts; without the revocation lock the revocation's DELETE misses the
  // tokens the grant then mints.
  describe.runIf(onPostgres)("PostgreSQL, the grant's statement held mid-way", () => {
    for (const [name, revoke] of Object.entries(revocations)) {
      it(`${name}: the tokens the grant mints are revoked too`, async () => {
        const h = await holder();
        const holdRow = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await holdRow.connect();
        try {
          await holdRow.query("BEGIN");
          await holdRow.query("SELECT 1 FROM oidc_models WHERE name = 'RefreshToken' AND id = $1 FOR UPDATE", [modelDigest(h.refreshToken)]);
          const grant = refreshGrant(h);
          // The grant waits for the held row; then the revocation waits too (for the grant's revocation lock, or, were
          // it to take none, the held row), unless either is done. Fixed 300 ms sleeps guessed this.
          await untilWaiting(1, grant);
          const revoked = revoke(h);
          await untilWaiting(2, revoked);
          await holdRow.query("COMMIT");
          expect(await grant).toBe("granted");
          await revoked;
        } finally {
          await holdRow.end();
        }
        expect(await tokensLeft(h.userId)).toEqual([]);
      }, 30_000);
    }
  });

  // Removed from the app's only allowed group while a refresh is under way: the removal ends the app's
  // tokens under the person's lock (./reactions.ts, user.groups_changed), so the refresh mints nothing.
  it("a person removed from the app's only allowed group meanwhile: the refresh mints nothing", async () => {
    const h = await holder();
    const groupId = crypto.randomUUID();
    await writeSystem(async (tx) => {
      await tx.insert(groups).values({ id: groupId, accountId: h.accountId, name: `g-${groupId}` });
      await tx.insert(applicationGroups).values({ applicationId: h.applicationId, groupId, accountId: h.accountId });
      await tx.update(applications).set({ restrictedToGroups: true }).where(eq(applications.id, h.applicationId));
      await tx.insert(userGroups).values({ userId: h.userId, groupId, accountId: h.accountId });
    });
    expect(await usableUserOfApp(h.userId, h.clientId)).not.toBeNull();
    const result = await refreshGrant(h, () => writeSystem((tx) => setUserGroups(tx, h.accountId, h.userId, [])));
    expect(await usableUserOfApp(h.userId, h.clientId)).toBeNull();
    expect(result).toBe("refused");
  });
});
