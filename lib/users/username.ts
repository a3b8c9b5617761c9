/**
 * Usernames: the rule for what one may be, how two compare, and how one is
 * chosen when nobody typed it (from an email's local part, a name, or a
 * provider's username), made unique in the account with a number.
 *
 * A username is 1–64 Unicode letters (any script), digits, ".", "_" and "-",
 * stored as entered and compared after NFKC + case folding through its blind
 * index (lib/crypto/blind-index.ts). No "@": a sign-in identifier with "@" is
 * an email, one without is a username. One being set also keeps to one script
 * and has no loose punctuation (./username-rule.ts).
 */
import "server-only";
import { z } from "zod";
import { usernameBlindIndexes } from "@/lib/crypto/blind-index";
import type { Db, Tx } from "@/lib/db/database";
import { USERNAME_TAKEN } from "@/lib/db/constraint-errors";
import { Conflict } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { holdersByBlindIndex, idByBlindIndex } from "./blind-index-lookup";

export { usernameSchema, USERNAME_MAX, isValidUsername, sanitiseUsername, usernameBaseFor } from "./username-rule";

import { USERNAME_MAX, usernameSchema } from "./username-rule";

export { USERNAME_TAKEN };

/** The user id that holds this username in the account, if any (compared after NFKC + case folding). */
export async function usernameHolder(q: Db | Tx, accountId: string, username: string): Promise<string | undefined> {
  return idByBlindIndex(q, "user-username", accountId, usernameBlindIndexes(username));
}

const settableUsername = z.object({ username: usernameSchema });

/**
 * Refuses a new username that breaks a rule of usernameSchema (422 on the username field), where the input
 * was read with usernameShapeSchema because it may repeat a stored one: a changed username on the user page
 * or PUT /api/users/{id}, on Profile, one an invitee picks. A username stored before the rules is kept as is.
 */
export function assertSettableUsername(username: string): void {
  parseOrThrow(settableUsername, { username });
}

/**
 * Refuses a username someone else in the account holds, or a pending invite
 * reserves (the unique indexes back it up); the Conflict names the username field.
 */
export async function assertUsernameAvailable(
  tx: Tx,
  accountId: string,
  username: string,
  exceptUserId?: string,
  except: { inviteId?: string } = {},
): Promise<void> {
  const { user: holder, invite } = await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes(username));
  if (holder && holder !== exceptUserId) throw new Conflict(USERNAME_TAKEN, { username: [USERNAME_TAKEN] });
  if (invite && invite !== except.inviteId) {
    const message = "This username is kept for a pending invite";
    throw new Conflict(message, { username: [message] });
  }
}

/**
 * The first free username of base, base2, base3, … in the account (the base
 * shortened so the number fits in 64 characters). Inside the write
 * transaction that then stores it, so two writers can't pick the same one
 * unseen (the unique index refuses the second). The base is a derived one
 * (usernameBaseFor, sanitiseUsername) or a stored one being renumbered
 * (lib/ops/username-refold.ts), which keeps its form: it is not re-derived.
 */
export async function allocateUsername(tx: Tx, accountId: string, base: string, exceptUserId?: string): Promise<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : String(n);
    const candidate = [...base].slice(0, USERNAME_MAX - suffix.length).join("") + suffix;
    const { user: holder, invite } = await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes(candidate));
    if ((!holder || holder === exceptUserId) && !invite) return candidate;
  }
}
