/** Signing out ends the session row, so the cookie is worthless even if kept. */
import "server-only";
import type { RequestMeta, SessionActor } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { writeTransaction } from "@/lib/db/client";
import { deleteSession, publicSessionId } from "./sessions";

export function signOutSession(actor: SessionActor, meta: RequestMeta): void {
  writeTransaction((tx) => {
    if (!deleteSession(tx, actor.accountId, actor.sessionId)) return;
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.logout",
      actor: { type: "user", id: actor.userId },
      target: { type: "session", id: publicSessionId(actor.sessionId) },
      meta,
    });
  });
}
