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
import { emailBlindIndexes, usernameBlindIndexes } from "@/lib/crypto/blind-index";
import type { Db, Tx } from "@/lib/db/database";
import { USERNAME_TAKEN } from "@/lib/db/constraint-errors";
import { Conflict } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { holdersByBlindIndex, holdersOfEach, idByBlindIndex, type BlindIndexHolders } from "./blind-index-lookup";
import { assertEmailHeldByNone } from "./email-availability";

export { usernameSchema, USERNAME_MAX, isValidUsername, sanitiseUsername, usernameBaseFor } from "./username-rule";

import { USERNAME_HELD_BACK, USERNAME_MAX, usernameSchema } from "./username-rule";

export { USERNAME_HELD_BACK, USERNAME_TAKEN };


/** How assertUsernameAvailable may answer: an invite's own name passes; a held-back name is explained to who may list them. */
export type UsernameCheck = { inviteId?: string; explainHeldBack?: boolean };

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
 * Refuses a username someone else in the account holds, or held until lately (retired: ./retired-usernames.ts),
 * or a pending invite reserves (the unique indexes back up the first and the last); the Conflict names the
 * username field. exceptUserId may keep, or take back, a username that is (or was) theirs.
 */
export async function assertUsernameAvailable(
  tx: Tx,
  accountId: string,
  username: string,
  exceptUserId?: string,
  except: UsernameCheck = {},
): Promise<void> {
  assertUsernameHeldByNone(await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes(username)), exceptUserId, except);
}

/** assertUsernameAvailable's rule on the username's holders as read (holdersByBlindIndex, holdersOfEach). */
function assertUsernameHeldByNone(holders: BlindIndexHolders, exceptUserId?: string, except: UsernameCheck = {}): void {
  const { invite } = holders;
  // A retired username (./retired-usernames.ts) is refused as a held one: nobody learns it was someone's, but for
  // whoever may list the held-back names anyway.
  if (heldByOther(holders, exceptUserId)) {
    const heldBackOnly = holders.user === undefined || holders.user === exceptUserId;
    const message = heldBackOnly && except.explainHeldBack ? USERNAME_HELD_BACK : USERNAME_TAKEN;
    throw new Conflict(message, { username: [message] });
  }
  if (invite && invite !== except.inviteId) {
    const message = "This username is kept for a pending invite";
    throw new Conflict(message, { username: [message] });
  }
}

/**
 * The first free username of base, base2, base3, … in the account (neither held nor retired; the base
 * shortened so the number fits in 64 characters). Inside the write
 * transaction that then stores it, so two writers can't pick the same one
 * unseen (the unique index refuses the second). The base is a derived one
 * (usernameBaseFor, sanitiseUsername) or a stored one being renumbered
 * (lib/ops/username-refold.ts), which keeps its form: it is not re-derived.
 */
export async function allocateUsername(tx: Tx, accountId: string, base: string, exceptUserId?: string, firstFrom = 1): Promise<string> {
  for (let n = firstFrom; ; n++) {
    const candidate = usernameCandidate(base, n);
    if (isFree(await holdersByBlindIndex(tx, "username", accountId, usernameBlindIndexes(candidate)), exceptUserId)) return candidate;
  }
}

/** The n-th candidate of allocateUsername: base, base2, base3, … (the base shortened so the number fits). */
function usernameCandidate(base: string, n: number): string {
  const suffix = n === 1 ? "" : String(n);
  return [...base].slice(0, USERNAME_MAX - suffix.length).join("") + suffix;
}

/** Held by a user other than exceptUserId, or retired from one (only its former holder may take it back). */
const heldByOther = ({ user, retired }: BlindIndexHolders, exceptUserId?: string) =>
  (user !== undefined && user !== exceptUserId) || (retired !== undefined && retired !== exceptUserId);

const isFree = (holders: BlindIndexHolders, exceptUserId?: string) => !heldByOther(holders, exceptUserId) && !holders.invite;

/**
 * A new person's email and username checked together, inside the write transaction that stores them: the email
 * must be free (assertEmailAvailable's rule), and the username typed must be free (assertUsernameAvailable's) or,
 * with none typed, the first free one from `base` is chosen (allocateUsername's). Both fields' holders are read in
 * one statement (one round trip on PostgreSQL, where a create's statements are round trips under the write lock);
 * only a taken base reads further candidates. The email's clash is reported first, as when checked apart.
 */
export async function checkNewPersonNames(
  tx: Tx,
  accountId: string,
  names: { email?: string | null; username?: string; base: () => string; explainHeldBack?: boolean },
): Promise<string> {
  const typed = names.username;
  const first = typed ?? usernameCandidate(names.base(), 1);
  const holders = await holdersOfEach(tx, accountId, { email: names.email ? emailBlindIndexes(names.email) : [], username: usernameBlindIndexes(first) });
  assertEmailHeldByNone(holders.email);
  if (typed !== undefined) {
    assertUsernameHeldByNone(holders.username, undefined, { explainHeldBack: names.explainHeldBack });
    return typed;
  }
  return isFree(holders.username) ? first : allocateUsername(tx, accountId, names.base(), undefined, 2);
}
