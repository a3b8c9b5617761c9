import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { writeSystem } from "@/lib/data/unit-of-work";
import { mintSecretToken, TOKEN_PREFIXES } from "@/lib/crypto/secret-tokens";
import { applicationGroups, applications, groups, userGroups } from "@/lib/db/schema";
import { createAccount, createUser } from "@/test/factories";
import { APPLICATIONS_VERSION, clientSecretMatches, findApplicationByClientId, userMayUseApplication } from "./for-provider";

let accountId: string;
let memberId: string;
let outsiderId: string;
let groupA: string;
let groupB: string;

async function insertGroup(name: string): Promise<string> {
  const id = crypto.randomUUID();
  await writeSystem(async (tx) => {
    await tx.insert(groups).values({ id, accountId, name });
  });
  return id;
}

async function insertApp(
  values: { type?: "web" | "spa" | "device"; secretDigest?: string | null; groupIds?: string[]; restricted?: boolean; account?: string } = {},
) {
  const id = crypto.randomUUID();
  const clientId = `lka_${crypto.randomBytes(12).toString("hex")}`;
  const account = values.account ?? accountId;
  await writeSystem(async (tx) => {
    await tx.insert(applications).values({
      id,
      accountId: account,
      name: "Grafana",
      type: values.type ?? "web",
      clientId,
      clientSecretDigest: values.secretDigest ?? null,
      redirectUris: ["https://grafana.example.com/login/generic_oauth"],
      postLogoutRedirectUris: ["https://grafana.example.com/"],
      restrictedToGroups: values.restricted ?? (values.groupIds?.length ?? 0) > 0,
      createdBy: "test",
      updatedAt: new Date(),
    });
    for (const groupId of values.groupIds ?? []) await tx.insert(applicationGroups).values({ applicationId: id, groupId, accountId: account });
  });
  return { id, clientId };
}

beforeAll(async () => {
  accountId = await createAccount();
  memberId = (await createUser(accountId)).id;
  outsiderId = (await createUser(accountId)).id;
  groupA = await insertGroup("Grafana users");
  groupB = await insertGroup("Ops");
  await writeSystem(async (tx) => {
    await tx.insert(userGroups).values({ userId: memberId, groupId: groupA, accountId });
  });
});

describe("findApplicationByClientId", () => {
  it("returns the application's metadata with its defaults and allowed groups", async () => {
    const secret = mintSecretToken(TOKEN_PREFIXES.applicationSecret);
    const { id, clientId } = await insertApp({ secretDigest: secret.digest, groupIds: [groupB, groupA] });
    const app = await findApplicationByClientId(clientId);
    expect(app).toEqual({
      id,
      accountId,
      clientId,
      name: "Grafana",
      type: "web",
      clientSecretDigest: secret.digest,
      redirectUris: ["https://grafana.example.com/login/generic_oauth"],
      postLogoutRedirectUris: ["https://grafana.example.com/"],
      allowedGroupIds: [groupA, groupB].sort(),
      restrictedToGroups: true,
      accessTokenTtlSeconds: 600,
      refreshTokenTtlSeconds: 2592000,
      requireConsent: false,
      idTokenSignedResponseAlg: "RS256",
    });
  });

  it("returns null for an unknown, empty or oversized client_id", async () => {
    expect(await findApplicationByClientId("lka_unknown")).toBeNull();
    expect(await findApplicationByClientId("")).toBeNull();
    expect(await findApplicationByClientId("x".repeat(5000))).toBeNull();
  });
});

describe("clientSecretMatches", () => {
  it("accepts the minted secret and refuses another, a near miss and an app without a secret", async () => {
    const secret = mintSecretToken(TOKEN_PREFIXES.applicationSecret);
    const other = mintSecretToken(TOKEN_PREFIXES.applicationSecret);
    const app = await findApplicationByClientId((await insertApp({ secretDigest: secret.digest })).clientId);
    expect(app).not.toBeNull();
    expect(clientSecretMatches(app!, secret.plain)).toBe(true);
    expect(clientSecretMatches(app!, other.plain)).toBe(false);
    expect(clientSecretMatches(app!, `${secret.plain}x`)).toBe(false);
    expect(clientSecretMatches(app!, "")).toBe(false);
    expect(clientSecretMatches(app!, secret.digest)).toBe(false);
    const publicApp = await findApplicationByClientId((await insertApp({ type: "spa", secretDigest: null })).clientId);
    expect(clientSecretMatches(publicApp!, secret.plain)).toBe(false);
    expect(clientSecretMatches(publicApp!, "")).toBe(false);
  });
});

describe("userMayUseApplication", () => {
  it("lets everyone use an app without allowed groups", async () => {
    const app = await findApplicationByClientId((await insertApp()).clientId);
    expect(await userMayUseApplication(app!, memberId)).toBe(true);
    expect(await userMayUseApplication(app!, outsiderId)).toBe(true);
  });

  it("lets only members of an allowed group use a restricted app, reading membership now", async () => {
    const app = await findApplicationByClientId((await insertApp({ groupIds: [groupA] })).clientId);
    expect(await userMayUseApplication(app!, memberId)).toBe(true);
    expect(await userMayUseApplication(app!, outsiderId)).toBe(false);
    await writeSystem(async (tx) => {
      await tx.insert(userGroups).values({ userId: outsiderId, groupId: groupA, accountId });
    });
    expect(await userMayUseApplication(app!, outsiderId)).toBe(true);
    await writeSystem(async (tx) => {
      await tx.delete(userGroups).where(eq(userGroups.userId, outsiderId));
    });
    expect(await userMayUseApplication(app!, outsiderId)).toBe(false);
  });

  it("admits nobody once every allowed group is deleted, and nobody to a deleted app", async () => {
    const lonely = await insertGroup("Soon gone");
    await writeSystem(async (tx) => {
      await tx.insert(userGroups).values({ userId: memberId, groupId: lonely, accountId });
    });
    const { id, clientId } = await insertApp({ groupIds: [lonely] });
    const app = await findApplicationByClientId(clientId);
    expect(await userMayUseApplication(app!, memberId)).toBe(true);
    await writeSystem(async (tx) => {
      await tx.delete(groups).where(eq(groups.id, lonely));
      // What deleting a group through lib/groups does in the same unit of work (./reactions.ts).
      await bumpCacheVersion(tx, APPLICATIONS_VERSION);
    });
    const after = await findApplicationByClientId(clientId);
    expect(after!.allowedGroupIds).toEqual([]);
    expect(await userMayUseApplication(after!, memberId)).toBe(false);
    expect(await userMayUseApplication(after!, outsiderId)).toBe(false);
    await writeSystem(async (tx) => {
      await tx.delete(applications).where(eq(applications.id, id));
    });
    const everyone = await findApplicationByClientId((await insertApp()).clientId);
    expect(await userMayUseApplication({ ...everyone!, id }, memberId)).toBe(false);
  });

  it("does not count a membership in another account's group of the same id shape", async () => {
    const otherAccount = await createAccount();
    const app = await findApplicationByClientId((await insertApp({ account: otherAccount })).clientId);
    expect(app!.accountId).toBe(otherAccount);
    // A stale or forged object naming this account's group doesn't help: the app's own groups are read.
    const restrictedElsewhere = await insertApp({ account: otherAccount, restricted: true });
    const forged = { ...(await findApplicationByClientId(restrictedElsewhere.clientId))!, allowedGroupIds: [groupA] };
    expect(await userMayUseApplication(forged, memberId)).toBe(false);
  });
});
