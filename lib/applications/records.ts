/**
 * Reading application rows, always scoped to one account, and turning them
 * into the record services return (never the secret's digest).
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { digestToken } from "@/lib/crypto/secret-tokens";
import type { Db, Tx } from "@/lib/db/database";
import { applicationGroups, applications, groups, type ApplicationRow, type ApplicationType, type IdTokenSigningAlg } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { accessStateOf, type ApplicationAccess } from "./access";

export type ApplicationRecord = {
  id: string;
  name: string;
  type: ApplicationType;
  clientId: string;
  hasClientSecret: boolean;
  /** Names the current client secret without revealing it (null without one): what a rotation says it replaces. */
  clientSecretId: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** The allowed groups that still exist, sorted by name. */
  allowedGroups: Array<{ id: string; name: string }>;
  /** Limited to groups: with allowedGroups empty, nobody may sign in (every allowed group was deleted, or access "nobody"). */
  restrictedToGroups: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireConsent: boolean;
  idTokenSignedResponseAlg: IdTokenSigningAlg;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

/** Who may sign in: everyone, members of the allowed groups, or nobody (limited, and no group left; ./access.ts). */
export function accessOf(app: Pick<ApplicationRecord, "allowedGroups" | "restrictedToGroups">): ApplicationAccess {
  return accessStateOf(app.restrictedToGroups, app.allowedGroups.map((g) => g.id)).access;
}

export async function findApplicationRow(q: Db | Tx, accountId: string, id: string): Promise<ApplicationRow | undefined> {
  const [row] = await q
    .select()
    .from(applications)
    .where(and(eq(applications.accountId, accountId), eq(applications.id, id)))
    .limit(1);
  return row;
}

/** The application or NotFound; another account's id is "not found" too. */
export async function loadApplicationRow(q: Db | Tx, accountId: string, id: string): Promise<ApplicationRow> {
  const row = await findApplicationRow(q, accountId, id);
  if (!row) throw new NotFound("Application");
  return row;
}

const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Allowed groups (id and name) per application id. */
export async function allowedGroupsOf(q: Db | Tx, accountId: string, applicationIds: string[]): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const out = new Map<string, Array<{ id: string; name: string }>>();
  if (applicationIds.length === 0) return out;
  const rows = await q
    .select({ applicationId: applicationGroups.applicationId, id: groups.id, name: groups.name })
    .from(applicationGroups)
    .innerJoin(groups, and(eq(groups.id, applicationGroups.groupId), eq(groups.accountId, accountId)))
    .where(and(eq(applicationGroups.accountId, accountId), inArray(applicationGroups.applicationId, applicationIds)));
  for (const { applicationId, id, name } of rows) {
    const list = out.get(applicationId) ?? [];
    list.push({ id, name });
    out.set(applicationId, list);
  }
  for (const list of out.values()) list.sort((a, b) => byName.compare(a.name, b.name));
  return out;
}

/**
 * A short name for the secret a digest is of: a digest of its digest, so it says nothing about the
 * secret (which is 178 random bits anyway), and changes with every rotation.
 */
export function clientSecretIdOf(digest: string | null): string | null {
  return digest === null ? null : digestToken(`client-secret-id:${digest}`).slice(0, 16);
}

export function toApplicationRecord(row: ApplicationRow, allowedGroups: Array<{ id: string; name: string }>): ApplicationRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    clientId: row.clientId,
    hasClientSecret: row.clientSecretDigest !== null,
    clientSecretId: clientSecretIdOf(row.clientSecretDigest),
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    allowedGroups,
    restrictedToGroups: row.restrictedToGroups,
    accessTokenTtlSeconds: row.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: row.refreshTokenTtlSeconds,
    requireConsent: row.requireConsent,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function loadApplicationRecord(q: Db | Tx, accountId: string, id: string): Promise<ApplicationRecord> {
  const row = await loadApplicationRow(q, accountId, id);
  return toApplicationRecord(row, (await allowedGroupsOf(q, accountId, [row.id])).get(row.id) ?? []);
}
