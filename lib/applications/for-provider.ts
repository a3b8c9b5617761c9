/**
 * What the OIDC provider (lib/oidc, issue 15) needs to know about a registered
 * application: its metadata by client_id, a check of a presented client secret,
 * and whether a person may use it. Server-only and Actor-free: the provider
 * calls it while serving a relying party, not a person of the dashboard.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { db } from "@/lib/db/database";
import { applicationGroups, applications, userGroups, type IdTokenSigningAlg } from "@/lib/db/schema";

export type ProviderApplication = {
  id: string;
  accountId: string;
  clientId: string;
  name: string;
  type: "web" | "spa" | "device";
  clientSecretDigest: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedGroupIds: string[];
  /**
   * True when the app was limited to groups (allowedGroupIds was not empty when saved). With every
   * allowed group since deleted, nobody may use it, rather than everyone.
   */
  restrictedToGroups: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireConsent: boolean;
  idTokenSignedResponseAlg: IdTokenSigningAlg;
};

/** The application registered under this client_id, or null. */
export async function findApplicationByClientId(clientId: string): Promise<ProviderApplication | null> {
  if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > 100) return null;
  const [row] = await db().select().from(applications).where(eq(applications.clientId, clientId)).limit(1);
  if (!row) return null;
  const links = await db()
    .select({ groupId: applicationGroups.groupId })
    .from(applicationGroups)
    .where(and(eq(applicationGroups.accountId, row.accountId), eq(applicationGroups.applicationId, row.id)));
  return {
    id: row.id,
    accountId: row.accountId,
    clientId: row.clientId,
    name: row.name,
    type: row.type,
    clientSecretDigest: row.clientSecretDigest,
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    allowedGroupIds: links.map((l) => l.groupId).sort(),
    restrictedToGroups: row.restrictedToGroups,
    accessTokenTtlSeconds: row.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: row.refreshTokenTtlSeconds,
    requireConsent: row.requireConsent,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg,
  };
}

/** Constant-time: digest(presented) equals the stored digest. False for apps without a secret. */
export function clientSecretMatches(app: ProviderApplication, presented: string): boolean {
  if (!app.clientSecretDigest || typeof presented !== "string" || presented.length === 0 || presented.length > 200) return false;
  const expected = Buffer.from(app.clientSecretDigest, "hex");
  const actual = Buffer.from(digestToken(presented), "hex");
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/**
 * true when the app has no allowed groups (and was never limited to groups), or the user is now a
 * member of one of them. The app's groups and the membership are read from the database on every
 * call (not from `app`, which a caller may have kept), so a change applies at once; a deleted app
 * admits nobody.
 */
export async function userMayUseApplication(app: ProviderApplication, userId: string): Promise<boolean> {
  const [current] = await db()
    .select({ restricted: applications.restrictedToGroups })
    .from(applications)
    .where(and(eq(applications.accountId, app.accountId), eq(applications.id, app.id)))
    .limit(1);
  if (!current) return false;
  const allowed = await db()
    .select({ groupId: applicationGroups.groupId })
    .from(applicationGroups)
    .where(and(eq(applicationGroups.accountId, app.accountId), eq(applicationGroups.applicationId, app.id)));
  if (allowed.length === 0) return !current.restricted;
  const [member] = await db()
    .select({ groupId: userGroups.groupId })
    .from(userGroups)
    .where(
      and(
        eq(userGroups.accountId, app.accountId),
        eq(userGroups.userId, userId),
        inArray(
          userGroups.groupId,
          allowed.map((a) => a.groupId),
        ),
      ),
    )
    .limit(1);
  return member !== undefined;
}
