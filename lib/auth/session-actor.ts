/**
 * The actor behind the dashboard's session cookie, checked against the
 * session row on every call (see lib/sessions/sessions.ts).
 */
import "server-only";
import { cache } from "react";
import { resolveSession } from "@/lib/sessions/sessions";
import type { SessionActor } from "./actor";
import { auth } from "./nextauth";

/** Cached per request, so a page and its layout share one lookup. */
export const sessionActor = cache(async (): Promise<SessionActor | null> => {
  const session = await auth();
  return session?.sessionId ? resolveSession(session.sessionId) : null;
});
