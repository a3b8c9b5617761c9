/**
 * The actor behind the dashboard's session cookie, checked against the
 * session row on every call (see lib/sessions/sessions.ts).
 */
import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { noteRequestActor } from "@/lib/observability/request-log";
import { resolveSession } from "@/lib/sessions/sessions";
import type { SessionActor } from "@/lib/auth/actor";
import { sessionIdFromCookie } from "./session-cookie";

/**
 * Cached per request, so a page and its layout share one lookup: the cookie
 * decrypted by Auth.js's decoder (./session-cookie.ts), then the session row
 * checked once (gone, expired, revoked, blocked: no actor).
 */
export const sessionActor = cache(async (): Promise<SessionActor | null> => {
  const sid = await sessionIdFromCookie();
  const actor = sid ? await resolveSession(sid) : null;
  if (actor) noteRequestActor(actor.userId);
  return actor;
});

export const MUST_CHANGE_PASSWORD = "Choose a new password before continuing";

/**
 * For dashboard pages: the signed-in actor, or a redirect to sign in, or to
 * choose a new password first. Every page calls it, not only the layout:
 * client navigation can render a page without re-running its layout.
 */
export async function pageActor(): Promise<SessionActor> {
  const actor = await sessionActor();
  // A cookie whose session is over (signed out elsewhere, blocked, deleted, expired): the sign-in page says so,
  // where a form's save says "Your session has ended" and a click on a link said nothing.
  if (!actor) redirect((await sessionIdFromCookie()) ? "/login?ended=1" : "/login");
  if (actor.mustChangePassword) redirect("/change-password");
  return actor;
}
