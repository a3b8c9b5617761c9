/**
 * The actor as it is now, read inside a write transaction. A request is
 * authenticated when it arrives, but its writes must obey who the caller is at
 * commit time: a demotion, block, deletion, sign-out or token deletion that
 * commits while the request is in flight stops the write.
 * lib/data/unit-of-work.ts's write() calls this under the write lock.
 *
 * Every write runs this, so it is one statement kept per unit-of-work tx (lib/db/prepared.ts): the
 * person, their session or token, and whether they hold any role beyond the primary one. Built per
 * call it was three to four statements (on PostgreSQL as many round trips while the write lock is
 * held); the extra roles' lookups still run only for the few who hold extra roles.
 */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/database";
import { literalLimit, perTransactionBy, type PreparedRows } from "@/lib/db/prepared";
import { accessTokens, sessions, users, type Role } from "@/lib/db/schema";
import { Unauthenticated } from "@/lib/errors";
import type { Actor } from "./actor";
import { hasExtraRolesColumn, resolvePermissions } from "./effective-permissions";
import { parsePermissionList } from "./permissions";

type Recheck = {
  role: Role;
  isBlocked: boolean;
  hasExtraRoles: boolean;
  /** The session's or token's expiry; null when it is gone (deleted, or not this person's). */
  expiresAt: Date | null;
  scope: string | null;
};

/** The re-check for a session or a token actor: the person's row, left-joined to their credential. */
const recheck = perTransactionBy((tx: Tx, kind: "session" | "token"): PreparedRows<Recheck> => {
  const credential = kind === "session" ? sessions : accessTokens;
  return tx
    .select({
      role: users.role,
      isBlocked: users.isBlocked,
      hasExtraRoles: hasExtraRolesColumn(),
      expiresAt: credential.expiresAt,
      scope: kind === "session" ? sql<string | null>`null` : accessTokens.permissions,
    })
    .from(users)
    .leftJoin(credential, and(eq(credential.id, sql.placeholder("credentialId")), eq(credential.userId, users.id)))
    .where(and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("userId"))))
    .limit(literalLimit(1))
    .prepare() as unknown as PreparedRows<Recheck>;
});

export async function freshActor(tx: Tx, actor: Actor, now = new Date()): Promise<Actor> {
  // The system has no row, session or token to lose; its permissions are fixed (lib/auth/system-actor.ts).
  if (actor.kind === "system") return actor;
  const [user] = await recheck(tx, actor.kind).execute({
    accountId: actor.accountId,
    userId: actor.userId,
    credentialId: actor.kind === "session" ? actor.sessionId : actor.tokenId,
  });
  if (!user || user.isBlocked) throw new Unauthenticated("Your account is no longer active");
  if (!user.expiresAt || user.expiresAt.getTime() <= now.getTime()) {
    throw new Unauthenticated(actor.kind === "session" ? "Your session has ended" : "Invalid or expired token");
  }
  // Permissions are resolved again here: a role taken away while the request was in flight stops the write.
  const scope = actor.kind === "token" ? user.scope : null;
  const permissions = await resolvePermissions(
    tx,
    { accountId: actor.accountId, userId: actor.userId, role: user.role, hasExtraRoles: user.hasExtraRoles },
    parsePermissionList(scope),
  );
  return { ...actor, role: user.role, permissions };
}
