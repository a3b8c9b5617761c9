/** Listing a user's active sessions (for their page in Team → Users). */
import "server-only";
import { and, desc, eq, gt } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { sessions } from "@/lib/db/schema";
import { getUser } from "@/lib/users/queries";
import { openSessionClient } from "./client-fields";
import { publicSessionId } from "./sessions";

export type SessionInfo = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
};

export async function listUserSessions(actor: Actor, userId: string, now = new Date()): Promise<SessionInfo[]> {
  await getUser(actor, userId); // the same visibility as the user themselves (404 otherwise)
  const rows = await db()
    .select()
    .from(sessions)
    .where(and(eq(sessions.accountId, actor.accountId), eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((s) => ({
    id: publicSessionId(s.id),
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    ...openSessionClient(s),
    current: actor.kind === "session" && actor.sessionId === s.id,
  }));
}
