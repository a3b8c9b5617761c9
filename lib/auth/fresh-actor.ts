/**
 * The actor as it is now, read inside a write transaction. A request is
 * authenticated when it arrives, but its writes must obey who the caller is at
 * commit time: a demotion, block, deletion, sign-out or token deletion that
 * commits while the request is in flight stops the write.
 * lib/data/unit-of-work.ts's write() calls this under the write lock.
 */
import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/database";
import { accessTokens, sessions, users } from "@/lib/db/schema";
import { Unauthenticated } from "@/lib/errors";
import type { Actor } from "./actor";
import { resolvePermissions } from "./effective-permissions";
import { parsePermissionList } from "./permissions";

export async function freshActor(tx: Tx, actor: Actor, now = new Date()): Promise<Actor> {
  // The system has no row, session or token to lose; its permissions are fixed (lib/auth/system-actor.ts).
  if (actor.kind === "system") return actor;
  const [user] = await tx
    .select({ role: users.role, isBlocked: users.isBlocked })
    .from(users)
    .where(and(eq(users.accountId, actor.accountId), eq(users.id, actor.userId)))
    .limit(1);
  if (!user || user.isBlocked) throw new Unauthenticated("Your account is no longer active");
  const [credentialAlive] =
    actor.kind === "session"
      ? await tx
          .select({ id: sessions.id, scope: sql<string | null>`null` })
          .from(sessions)
          .where(and(eq(sessions.id, actor.sessionId), gt(sessions.expiresAt, now)))
          .limit(1)
      : await tx
          .select({ id: accessTokens.id, scope: accessTokens.permissions })
          .from(accessTokens)
          .where(and(eq(accessTokens.id, actor.tokenId), gt(accessTokens.expiresAt, now)))
          .limit(1);
  if (!credentialAlive) throw new Unauthenticated(actor.kind === "session" ? "Your session has ended" : "Invalid or expired token");
  // Permissions are resolved again here: a role taken away while the request was in flight stops the write.
  const scope = actor.kind === "token" ? (credentialAlive.scope ?? null) : null;
  const permissions = await resolvePermissions(tx, { accountId: actor.accountId, userId: actor.userId, role: user.role }, parsePermissionList(scope));
  return { ...actor, role: user.role, permissions };
}
