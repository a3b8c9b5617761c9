/**
 * Signing out ends the session row, so the cookie is worthless even if kept. Every way out comes here: the
 * dashboard's "Sign out", Auth.js's own sign-out route (events.signOut in lib/sign-in/nextauth.ts) and
 * the OpenID provider's logout (lib/sign-in/app-sign-in-http.ts).
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { deleteSessionById, publicSessionId } from "./sessions";

/** Ends the session (named by its id, as a SessionActor or the cookie's token carries it) and records the sign-out. */
export async function signOutSession(session: { sessionId: string }, meta: RequestMeta): Promise<void> {
  // writeSystem, not write(actor): signing out of a session that has just ended (or whose user was blocked) is no error.
  await writeSystem(async (tx) => {
    const ended = await deleteSessionById(tx, session.sessionId);
    if (!ended) return;
    await recordEvent(tx, {
      accountId: ended.accountId,
      action: "user.logout",
      actor: { type: "user", id: ended.userId },
      target: { type: "session", id: publicSessionId(session.sessionId) },
      meta,
    });
  });
}
