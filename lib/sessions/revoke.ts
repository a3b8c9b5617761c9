/**
 * Ending one session, or all of one's own but this one: "Sign out" per row and
 * "Sign out everywhere else" on Profile, and per-session sign-out of someone
 * else by whoever may revoke their sessions (lib/users/rules.ts). Sessions are
 * named by their public id (a digest; the real id is the cookie's secret).
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta, SessionActor } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { sessions } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { factorsKept } from "@/lib/mfa/records";
import { loadUser } from "@/lib/users/lifecycle";
import { userLabel } from "@/lib/users/records";
import { assertCanRevokeSessions } from "@/lib/users/rules";
import { deleteSession, publicSessionId } from "./sessions";
import { assertOutranks } from "@/lib/auth/escalation";

/** Ends the session of `userId` whose public id is `publicId`. */
export async function endSession(actor: Actor, userId: string, publicId: string, meta: RequestMeta): Promise<void> {
  await write(actor, async (tx, me) => {
    const target = await loadUser(tx, me.accountId, userId);
    assertCanRevokeSessions(me, target);
    await assertOutranks(tx, me, target);
    // A person has a handful of sessions: find the one by its digest among them.
    const own = await tx.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.accountId, me.accountId), eq(sessions.userId, userId)));
    const session = own.find((s) => publicSessionId(s.id) === publicId);
    if (!session || !(await deleteSession(tx, me.accountId, session.id))) throw new NotFound("Session");
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "session.revoked",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { session: publicId, current: me.kind === "session" && me.sessionId === session.id },
      meta,
    });
  });
}

/**
 * Ends every session of the caller except the one making the request, and what those sessions may have
 * started: the effect user.sessions_revoked, as an admin's revoke, ends pending links (an email change asked
 * from a stolen session) and the person's app grants (lib/users/reactions.ts, lib/oidc/reactions.ts).
 */
export async function endOtherSessions(actor: SessionActor, meta: RequestMeta): Promise<number> {
  return write(actor, async (tx, me) => {
    const target = await loadUser(tx, me.accountId, me.userId);
    assertCanRevokeSessions(me, target);
    const ended = noneEnded();
    await emit(tx, "user.sessions_revoked", { accountId: me.accountId, userId: me.userId, keepSessionId: actor.sessionId, revokeTokens: false, ended });
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "user.sessions.revoked",
      actor: me,
      target: { type: "user", id: me.userId, label: userLabel(target) },
      details: { sessions_ended: ended.sessions, kept_current: true, ...(await factorsKept(tx, me.userId)) },
      meta,
    });
    return ended.sessions;
  });
}
