/** Access token rows as the rest of the app sees them: never the digest, never the plain token. */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/database";
import { accessTokens, type AccessTokenRow } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { parsePermissionList, type Permission } from "@/lib/auth/permissions";

export type AccessTokenRecord = {
  id: string;
  accountId: string;
  userId: string;
  name: string;
  expiresAt: Date;
  /** The id of the user who created it (their row may be gone). */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** The token's scope; null = all of its owner's permissions. */
  permissions: Permission[] | null;
};

export function toTokenRecord(row: AccessTokenRow): AccessTokenRecord {
  return {
    id: row.id,
    accountId: row.accountId,
    userId: row.userId,
    name: row.name,
    expiresAt: row.expiresAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    permissions: parsePermissionList(row.permissions),
  };
}

export function isExpired(token: Pick<AccessTokenRecord, "expiresAt">, now = new Date()): boolean {
  return token.expiresAt.getTime() <= now.getTime();
}

/** One token of one user; a token of anyone else (or another account) is "not found". */
export async function loadTokenRow(q: Db | Tx, accountId: string, userId: string, tokenId: string): Promise<AccessTokenRow> {
  const [row] = await q
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.accountId, accountId), eq(accessTokens.userId, userId), eq(accessTokens.id, tokenId)))
    .limit(1);
  if (!row) throw new NotFound("Token");
  return row;
}
