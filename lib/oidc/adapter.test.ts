import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { applications, oidcModels, oidcSigningKeys, users } from "@/lib/db/schema";
import { createAccount } from "@/test/factories";
import { personAndApp } from "@/test/oidc-fixtures";
import { onPostgres } from "@/test/test-database";
import { ConsumedMeanwhile, DeviceCodeClaimed, deleteExpiredModels, EXPIRED_MODEL_GRACE_MS, modelDigest, OidcAdapter } from "./adapter";
import { usableUserOfApp } from "./accounts";
import { currentScope, flushDeferredWrites, newRequestScope, personMemoKey, runInRequestScope } from "./request-scope";
import { loadSigningKeys, PUBLISHED_AFTER_DAYS, rotateSigningKeys, SIGNING_DAYS } from "./signing-keys";

const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  await createAccount();
});

describe("oidc-provider adapter", () => {
  it("lets one press claim a device code: a second Approve, or a Deny, that found it unclaimed before the first was saved is refused (review 16)", async () => {
    const codes = new OidcAdapter("DeviceCode");
    for (const [first, second] of [
      [{ inFlight: true }, { inFlight: true }],
      [{ inFlight: true }, { error: "access_denied" }],
      [{ error: "access_denied" }, { inFlight: true }],
    ]) {
      const id = `device-${Math.random()}`;
      const pending = { clientId: "lka_d", userCode: `CLAIM-${id}`, params: {} };
      await codes.upsert(id, pending as never, 600);
      // Both found it unclaimed (the provider's check); the first save is the claim, the second is refused and changes nothing.
      await codes.upsert(id, { ...pending, ...first } as never, 600);
      await expect(codes.upsert(id, { ...pending, ...second } as never, 600)).rejects.toBeInstanceOf(DeviceCodeClaimed);
      expect(await codes.find(id)).toMatchObject(first);
      // The claimer's own saves go on: Approve's sign-in saves the person (or an error) on the code it claimed.
      if (first.inFlight) {
        await codes.upsert(id, { ...pending, ...first, accountId: "user-d", grantId: "g-d" } as never, 600);
        expect(await codes.find(id)).toMatchObject({ accountId: "user-d" });
      }
    }
  });

  it("stores upserts held one after another in one request, each row with its own values, the last write of a row winning", async () => {
    const access = new OidcAdapter("AccessToken");
    const refresh = new OidcAdapter("RefreshToken");
    const scope = newRequestScope(true);
    await runInRequestScope(scope, async () => {
      await refresh.upsert("batch-rt", { grantId: "g-b1", accountId: "user-b", clientId: "lka_b" } as never, 60);
      await access.upsert("batch-at", { grantId: "g-b2", accountId: "user-b", clientId: "lka_b" } as never, 600);
      await refresh.upsert("batch-rt", { grantId: "g-b3", accountId: "user-b", clientId: "lka_b" } as never, 60);
      await flushDeferredWrites(scope, writeSystem);
    });
    expect(await refresh.find("batch-rt")).toMatchObject({ grantId: "g-b3" });
    expect(await access.find("batch-at")).toMatchObject({ grantId: "g-b2" });
    const rows = await db().select({ name: oidcModels.name, grantId: oidcModels.grantId }).from(oidcModels).where(eq(oidcModels.userId, "user-b"));
    expect(rows.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "AccessToken", grantId: "g-b2" },
      { name: "RefreshToken", grantId: "g-b3" },
    ]);
  });

  it("drops a request's upsert of a row it deletes later in the same request (the interaction's result, then its consumption): only the delete is held, and the stored row goes", async () => {
    const interactions = new OidcAdapter("Interaction");
    const grants = new OidcAdapter("Grant");
    await interactions.upsert("spent-uid", { uid: "spent-uid", returnTo: "before" } as never, 600);
    const scope = newRequestScope(true);
    await runInRequestScope(scope, async () => {
      await interactions.upsert("spent-uid", { uid: "spent-uid", returnTo: "with its result" } as never, 600);
      await grants.upsert("kept-grant", { accountId: "user-spent", clientId: "lka_spent" } as never, 600);
      expect(await interactions.find("spent-uid")).toMatchObject({ returnTo: "with its result" });
      await interactions.destroy("spent-uid");
      expect(await interactions.find("spent-uid")).toBeUndefined();
      // The grant's upsert and the interaction's delete; the interaction's upsert is gone.
      expect(scope.deferred?.writes).toHaveLength(2);
      await flushDeferredWrites(scope, writeSystem);
    });
    expect(await interactions.find("spent-uid")).toBeUndefined();
    expect(await grants.find("kept-grant")).toMatchObject({ clientId: "lka_spent" });
    const left = await db().select({ id: oidcModels.id }).from(oidcModels).where(eq(oidcModels.id, modelDigest("spent-uid")));
    expect(left).toEqual([]);
  });

  it("answers a value asked for as every token kind in one request from one read, and forgets it when the request changes it", async () => {
    const access = new OidcAdapter("AccessToken");
    const refresh = new OidcAdapter("RefreshToken");
    await access.upsert("kinds-value", { grantId: "g-kinds", accountId: "user-kinds", clientId: "lka_kinds" } as never, 600);
    await runInRequestScope(newRequestScope(false), async () => {
      const [asAccess, asRefresh] = await Promise.all([access.find("kinds-value"), refresh.find("kinds-value")]);
      expect(asAccess).toMatchObject({ grantId: "g-kinds" });
      expect(asRefresh).toBeUndefined();
      await refresh.upsert("kinds-value", { grantId: "g-kinds-rt", accountId: "user-kinds", clientId: "lka_kinds" } as never, 600);
      expect(await refresh.find("kinds-value")).toMatchObject({ grantId: "g-kinds-rt" });
      await access.destroy("kinds-value");
      expect(await access.find("kinds-value")).toBeUndefined();
      expect(await refresh.find("kinds-value")).toMatchObject({ grantId: "g-kinds-rt" });
    });
  });

  it("reads the person-and-app answer along with a token as the provider's own check gives it (PostgreSQL): usable, app restricted, person blocked", async () => {
    const { userId, clientId } = await personAndApp();
    const access = new OidcAdapter("AccessToken");
    const token = crypto.randomUUID();
    await access.upsert(token, { accountId: userId, clientId, grantId: crypto.randomUUID() } as never, 600);
    const answers = () =>
      runInRequestScope(newRequestScope(false), async () => {
        await access.find(token);
        const kept = currentScope()!.memo.get(personMemoKey(userId, clientId)) as Promise<{ id: string } | null> | undefined;
        const direct = await usableUserOfApp(userId, clientId);
        return { kept: kept === undefined ? "not read" : ((await kept)?.id ?? null), direct: direct?.id ?? null };
      });
    const expected = (id: string | null) => ({ kept: onPostgres ? id : "not read", direct: id });
    expect(await answers()).toEqual(expected(userId));
    await writeSystem((tx) => tx.update(applications).set({ restrictedToGroups: true }).where(eq(applications.clientId, clientId)));
    expect(await answers()).toEqual(expected(null));
    await writeSystem((tx) => tx.update(applications).set({ restrictedToGroups: false }).where(eq(applications.clientId, clientId)));
    expect(await answers()).toEqual(expected(userId));
    await writeSystem((tx) => tx.update(users).set({ isBlocked: true }).where(eq(users.id, userId)));
    expect(await answers()).toEqual(expected(null));
  });

  it("finds a token's grant as stored, within a request too (PostgreSQL reads it with the token), and not once revoked", async () => {
    const grants = new OidcAdapter("Grant");
    const refresh = new OidcAdapter("RefreshToken");
    await grants.upsert("grant-with", { jti: "grant-with", accountId: "user-w", clientId: "lka_w", openid: { scope: "openid" } } as never, 60);
    await refresh.upsert("rt-with", { grantId: "grant-with", accountId: "user-w", clientId: "lka_w" } as never, 60);
    await refresh.upsert("rt-orphan", { grantId: "grant-gone", accountId: "user-w", clientId: "lka_w" } as never, 60);
    await runInRequestScope(newRequestScope(false), async () => {
      expect(await refresh.find("rt-with")).toMatchObject({ grantId: "grant-with" });
      expect(await grants.find("grant-with")).toMatchObject({ jti: "grant-with", openid: { scope: "openid" } });
      expect(await refresh.find("rt-orphan")).toMatchObject({ grantId: "grant-gone" });
      expect(await grants.find("grant-gone")).toBeUndefined();
    });
    await runInRequestScope(newRequestScope(false), async () => {
      expect(await refresh.find("rt-with")).toMatchObject({ grantId: "grant-with" });
      await grants.revokeByGrantId("grant-with");
      expect(await grants.find("grant-with")).toBeUndefined();
    });
    expect(await refresh.find("rt-with")).toBeUndefined();
  });

  it("on the token endpoint, holds a request's writes for one unit of work, and reads them back before they commit", async () => {
    const refresh = new OidcAdapter("RefreshToken");
    // A real person and app: on PostgreSQL the consume-and-mint locks both rows (and mints nothing without them).
    const { userId, clientId } = await personAndApp();
    await refresh.upsert("old-rt", { grantId: "g-d", accountId: userId, clientId } as never, 60);
    const scope = newRequestScope(true);
    let units = 0;
    await runInRequestScope(scope, async () => {
      await refresh.consume("old-rt");
      await refresh.upsert("new-rt", { grantId: "g-d", accountId: userId, clientId } as never, 60);
      // Not in the database yet, but this request sees its own writes.
      const [stored] = await db().select().from(oidcModels).where(eq(oidcModels.id, modelDigest("new-rt")));
      expect(stored).toBeUndefined();
      expect(await refresh.find("new-rt")).toMatchObject({ grantId: "g-d" });
      expect((await refresh.find("old-rt"))?.consumed).toEqual(expect.any(Number));
      await flushDeferredWrites(scope, async (fn) => {
        units += 1;
        await writeSystem(fn);
      });
    });
    // PostgreSQL: the consume-and-mint is one statement sent alone, outside the write lock (no unit of work).
    expect(units).toBe(onPostgres ? 0 : 1);
    expect(await refresh.find("new-rt")).toMatchObject({ grantId: "g-d" });
    expect((await refresh.find("old-rt"))?.consumed).toEqual(expect.any(Number));
    // Two requests presenting one token at once: both found it unused; only the first to commit consumes it.
    await refresh.upsert("twice", { grantId: "g-t" } as never, 60);
    const first = newRequestScope(true);
    const second = newRequestScope(true);
    await runInRequestScope(first, () => refresh.consume("twice"));
    await runInRequestScope(second, () => refresh.consume("twice"));
    await flushDeferredWrites(first, writeSystem);
    const lost = await flushDeferredWrites(second, writeSystem).catch((err: unknown) => err);
    expect(lost).toBeInstanceOf(ConsumedMeanwhile);
    expect((lost as ConsumedMeanwhile).grantId).toBe("g-t");
    // Found, then revoked by another request before this one consumes it: no tokens from it.
    await refresh.upsert("revoked-meanwhile", { grantId: "g-r" } as never, 60);
    const third = newRequestScope(true);
    await runInRequestScope(third, async () => {
      expect(await refresh.find("revoked-meanwhile")).toMatchObject({ grantId: "g-r" });
      await refresh.revokeByGrantId("g-r");
      await refresh.consume("revoked-meanwhile");
    });
    const refused = await flushDeferredWrites(third, writeSystem).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConsumedMeanwhile);
    expect((refused as ConsumedMeanwhile).grantId).toBe("g-r");
    // A later write of the same request is not held back.
    await runInRequestScope(scope, () => refresh.destroy("new-rt"));
    expect(await refresh.find("new-rt")).toBeUndefined();
  });


  it("stores a token under its digest with a sealed payload, and finds it by id", async () => {
    const tokens = new OidcAdapter("AccessToken");
    const id = `at-${crypto.randomUUID()}`;
    await tokens.upsert(id, { accountId: "user-1", clientId: "lka_x", grantId: "g-1", email: "ann@example.com" } as never, 60);
    const [row] = await db().select().from(oidcModels).where(eq(oidcModels.id, modelDigest(id)));
    expect(row.id).not.toContain(id);
    expect(row.payloadCiphertext).not.toContain("ann@example.com");
    expect(row).toMatchObject({ userId: "user-1", clientId: "lka_x", grantId: "g-1" });
    expect(await tokens.find(id)).toMatchObject({ accountId: "user-1", email: "ann@example.com" });
    expect(await tokens.find("another")).toBeUndefined();
  });

  it("marks a consumed model, and finds device codes by user code and interactions by uid (both digested)", async () => {
    const codes = new OidcAdapter("DeviceCode");
    await codes.upsert("dc-1", { userCode: "ABCD-EFGH", clientId: "lka_y" } as never, 60);
    expect(await codes.findByUserCode("ABCD-EFGH")).toMatchObject({ clientId: "lka_y" });
    const [row] = await db().select().from(oidcModels).where(eq(oidcModels.id, modelDigest("dc-1")));
    expect(row.userCode).toBe(modelDigest("ABCD-EFGH"));
    await codes.consume("dc-1");
    expect((await codes.find("dc-1"))?.consumed).toEqual(expect.any(Number));
    const interactions = new OidcAdapter("Interaction");
    await interactions.upsert("int-1", { uid: "uid-1" } as never, 60);
    expect(await interactions.findByUid("uid-1")).toMatchObject({ uid: "uid-1" });
  });

  it("revokes every model of a grant, and ignores and prunes what has expired", async () => {
    const access = new OidcAdapter("AccessToken");
    const refresh = new OidcAdapter("RefreshToken");
    await access.upsert("a-2", { grantId: "g-2" } as never, 60);
    await refresh.upsert("r-2", { grantId: "g-2" } as never, 60);
    // An interaction naming the grant (the person's earlier grant for the app) is no credential of it: it stays, so a
    // sign-in that switches person (the provider ends the old person's session and grants first) can still resume.
    const interactions = new OidcAdapter("Interaction");
    await interactions.upsert("int-2", { uid: "int-2", grantId: "g-2" } as never, 60);
    await access.revokeByGrantId("g-2");
    expect(await access.find("a-2")).toBeUndefined();
    expect(await refresh.find("r-2")).toBeUndefined();
    expect(await interactions.find("int-2")).toMatchObject({ grantId: "g-2" });
    await access.upsert("a-3", { exp: Math.floor(Date.now() / 1000) + 3600 } as never, 1);
    await new Promise((r) => setTimeout(r, 1100));
    // The row's expiry wins over the payload's: the provider sees it expired.
    expect((await access.find("a-3"))?.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    // Just expired, it is kept a while (a poll then gets "expired", not "unknown"); an hour on, it goes.
    await deleteExpiredModels();
    expect(await access.find("a-3")).toBeDefined();
    expect(await deleteExpiredModels(new Date(Date.now() + EXPIRED_MODEL_GRACE_MS))).toBeGreaterThanOrEqual(1);
    expect(await access.find("a-3")).toBeUndefined();
  });
});

describe("signing keys", () => {
  it("makes one ES256 and one RS256 key, sealed, then rotates with the old key still published", async () => {
    const start = new Date("2030-01-01T00:00:00Z");
    await writeSystem((tx) => tx.delete(oidcSigningKeys));
    expect(await rotateSigningKeys(start)).toBe(2);
    expect(await rotateSigningKeys(start)).toBe(0);
    const rows = await db().select().from(oidcSigningKeys);
    for (const row of rows) expect(row.privateJwkCiphertext).not.toContain('"d"');
    const first = await loadSigningKeys(start);
    expect(first.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    expect(first.every((k) => typeof k.d === "string")).toBe(true);

    // Shortly before the first keys retire, the next ones are made; they sign once the first retire.
    const later = new Date(start.getTime() + (SIGNING_DAYS - 1) * DAY);
    expect(await rotateSigningKeys(later)).toBe(2);
    const afterRetirement = new Date(start.getTime() + (SIGNING_DAYS + 1) * DAY);
    const published = await loadSigningKeys(afterRetirement);
    expect(published).toHaveLength(4);
    const signing = published.find((k) => k.alg === "ES256");
    expect(first.map((k) => k.kid)).not.toContain(signing?.kid);

    // Past their publication, the first keys are gone.
    const gone = new Date(start.getTime() + (SIGNING_DAYS + PUBLISHED_AFTER_DAYS + 1) * DAY);
    await rotateSigningKeys(gone);
    const left = await loadSigningKeys(gone);
    expect(left.map((k) => k.kid)).not.toContain(first[0].kid);
  });
});
