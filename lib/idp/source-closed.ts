/**
 * A way in switched off or deleted (an identity provider, the LDAP directory,
 * the proxy header) leaves nobody signed in through it: its sessions end, and
 * the people signed out lose their app grants (lib/sessions and lib/oidc
 * react to "sign_in.source_closed"). Called inside the change's transaction;
 * the count goes on the change's activity event.
 */
import "server-only";
import { emit, noneEnded } from "@/lib/data/effects";
import type { Tx } from "@/lib/db/database";
import { externalSignInMethod, type ExternalSignInKind } from "@/lib/sessions/sign-in-method";

/** Ends the sessions made through the source (`sourceId` as users.idp_id names it); returns how many ended. */
export async function endSessionsThrough(tx: Tx, accountId: string, kind: ExternalSignInKind, sourceId: string): Promise<number> {
  const ended = noneEnded();
  await emit(tx, "sign_in.source_closed", { accountId, method: externalSignInMethod(kind, sourceId), sourceId, ended });
  return ended.sessions;
}

/**
 * A save that may switch the source off (disabled, or the header's trusted ranges emptied), or narrow whom it
 * believes (the header's ranges): when it does, its sessions end. What goes on the save's activity event: how many ended, or nothing while the source stays on.
 */
export async function endSessionsIfSwitchedOff(tx: Tx, accountId: string, switchedOff: boolean, kind: ExternalSignInKind, sourceId: string): Promise<{ sessions_ended?: number }> {
  return switchedOff ? { sessions_ended: await endSessionsThrough(tx, accountId, kind, sourceId) } : {};
}
