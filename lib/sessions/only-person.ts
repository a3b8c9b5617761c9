/**
 * A sign-in only one person may make: an app asked the browser's signed-in person to confirm it's them
 * (lib/sign-in/reauthentication.ts personAskedToConfirm), so whatever arrives on that way back, a password, the
 * directory's word, a passkey, a second step, an identity provider's answer, must prove that person and no one
 * else. The one rule every sign-in asks, once its credential has proved who it is and before anything is made for
 * them (a session, a pending second step). Only a right credential ever gets this answer, so "someone else" tells
 * a caller nothing a wrong password doesn't.
 */
import "server-only";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/database";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";

/** The activity log's reason, and the code the sign-in page says it for. */
export const NOT_THE_PERSON = "not_the_person";

/** The sign-in proved someone other than the person asked: refused, nothing made for the other person. */
export class NotThePerson extends Error {
  constructor(
    /** The person asked, for the activity log (never shown); undefined when their account is gone. */
    readonly asked?: { id: string; label: string },
  ) {
    super("Signed in as someone else than the person asked to confirm it's them");
  }
}

/**
 * The refusal when `userId` (whom the credential proved) is not `onlyPerson` (the person asked; undefined: nobody
 * is asked, anyone may sign in); null when the sign-in may go on.
 */
export async function notThePerson(tx: Tx, accountId: string, onlyPerson: string | undefined, userId: string): Promise<NotThePerson | null> {
  if (onlyPerson === undefined || onlyPerson === userId) return null;
  const asked = await findUserRow(tx, accountId, onlyPerson);
  return new NotThePerson(asked ? { id: asked.id, label: userLabel(openIdentity(asked)) } : undefined);
}

/** The refusal on record: a failed sign-in of the person asked (their activity shows it), never of the other one. */
export async function recordNotThePerson(
  tx: Tx,
  accountId: string,
  refusal: NotThePerson,
  details: Record<string, unknown>,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const party = refusal.asked ? { type: "user" as const, ...refusal.asked } : undefined;
  await recordEvent(tx, {
    accountId,
    action: "user.login.failed",
    actor: party ?? { type: "anonymous", id: null },
    target: party,
    details: { reason: NOT_THE_PERSON, ...details },
    meta,
    at: now,
  });
}
