/**
 * The actor of an operator's command on the server (`npm run users`): acts in
 * one account with the owner's built-in permissions, has no user row, session
 * or token, and appears in the activity log as the system, labelled with the
 * command. Only code run from scripts/ builds one: no request can.
 */
import "server-only";
import type { SystemActor } from "./actor";
import { builtInPermissions } from "./permissions";

/** An id no user has (users' ids are UUIDs), so "yourself" rules never match a person. */
export const SYSTEM_USER_ID = "system";

export function systemActor(accountId: string, label: string): SystemActor {
  return { kind: "system", accountId, userId: SYSTEM_USER_ID, role: "owner", permissions: builtInPermissions("owner"), label };
}
