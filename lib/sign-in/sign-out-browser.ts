/**
 * Signing this browser out from a server action: its session row ends (recorded), then Auth.js clears the
 * cookie and sends the browser to `redirectTo`. The dashboard's "Sign out" and the confirm page's "Use
 * another account" (app/(public)/login) both end here.
 */
import "server-only";
import { headers } from "next/headers";
import { requestMeta } from "@/lib/http/request-meta";
import { signOutSession } from "@/lib/sessions/sign-out";
import { signOut } from "./nextauth";
import { clearRecoveryCodeNotice } from "./recovery-code-notice";
import { sessionActor } from "./session-actor";

/** `query` joins the sign-in page's address; signed_out=1 always: behind a trusted proxy, the page must not sign the person straight back in. */
export async function signOutBrowser(query: Record<string, string> = {}): Promise<void> {
  const actor = await sessionActor();
  if (actor) await signOutSession(actor, requestMeta(await headers()));
  // A recovery-code notice not yet shown (the sign-in went on to an app) is this person's, not the next one's.
  await clearRecoveryCodeNotice();
  await signOut({ redirectTo: `/login?${new URLSearchParams({ signed_out: "1", ...query })}` });
}
