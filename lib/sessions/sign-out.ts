/** Signing out ends the session row, so the cookie is worthless even if kept. */
import "server-only";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { deleteSession, publicSessionId } from "./sessions";

export async function signOutSession(actor: SessionActor, meta: RequestMeta): Promise<void> {
  // writeSystem, not write(actor): signing out of a session that has just ended (or whose user was blocked) is no error.
  await writeSystem(async (tx) => {
    if (!(await deleteSession(tx, actor.accountId, actor.sessionId))) return;
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.logout",
      actor: { type: "user", id: actor.userId },
      target: { type: "session", id: publicSessionId(actor.sessionId) },
      meta,
    });
  });
}
