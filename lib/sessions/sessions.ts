/**
 * Server-side sessions. The cookie only carries a session id; every request
 * checks the row, so signing out, revoking, blocking, deleting a user or a
 * password change ends access at once rather than at cookie expiry.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, ne } from "drizzle-orm";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/database";
import { sessions, users } from "@/lib/db/schema";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";

/** How often last_seen (and the sliding expiry) is written; reads in between cost no write. */
const TOUCH_INTERVAL_MS = 60_000;

export function createSession(tx: Tx, user: { id: string; accountId: string }, meta: RequestMeta, now = new Date()): string {
  const id = crypto.randomBytes(24).toString("base64url");
  tx.insert(sessions)
    .values({
      id,
      accountId: user.accountId,
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + config().sessionMaxAgeSeconds * 1000),
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      ip: meta.ip,
    })
    .run();
  return id;
}

/**
 * The actor for a session id, or null when the session is gone, expired, or
 * its user is blocked or deleted.
 */
export function resolveSession(sessionId: string, now = new Date()): SessionActor | null {
  const row = db()
    .select({
      id: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      accountId: users.accountId,
      userId: users.id,
      role: users.role,
      isBlocked: users.isBlocked,
      mustChangePassword: users.mustChangePassword,
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.accountId, sessions.accountId)))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)))
    .get();
  if (!row || row.isBlocked) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    db()
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + config().sessionMaxAgeSeconds * 1000) })
      .where(eq(sessions.id, sessionId))
      .run();
  }
  return {
    kind: "session",
    sessionId: row.id,
    accountId: row.accountId,
    userId: row.userId,
    role: row.role,
    mustChangePassword: row.mustChangePassword,
  };
}

export function deleteSession(tx: Tx, accountId: string, sessionId: string): boolean {
  const result = tx
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), eq(sessions.id, sessionId)))
    .run();
  return result.changes > 0;
}

/** Ends every session of a user except, optionally, the one to keep. Returns how many ended. */
export function deleteUserSessions(tx: Tx, accountId: string, userId: string, keepSessionId?: string): number {
  const conditions = [eq(sessions.accountId, accountId), eq(sessions.userId, userId)];
  if (keepSessionId) conditions.push(ne(sessions.id, keepSessionId));
  return tx
    .delete(sessions)
    .where(and(...conditions))
    .run().changes;
}

/**
 * A session's name in lists and the activity log: a digest of its id. The id
 * itself (what the cookie carries) never leaves the server.
 */
export function publicSessionId(sessionId: string): string {
  return crypto.createHash("sha256").update(sessionId).digest("base64url").slice(0, 16);
}
