/**
 * One email, one person per account: an email is taken by a user or by a
 * pending invite. Checked inside the write transaction (the unique indexes on
 * users and invites back it up). The clash is the email field's, so a form
 * says it there and the API names the field in "errors".
 */
import "server-only";
import { emailBlindIndexes } from "@/lib/crypto/blind-index";
import type { Tx } from "@/lib/db/database";
import { Conflict } from "@/lib/errors";
import { holdersByBlindIndex, type BlindIndexHolders } from "./blind-index-lookup";

export async function assertEmailAvailable(
  tx: Tx,
  accountId: string,
  email: string,
  except: { userId?: string; inviteId?: string } = {},
): Promise<void> {
  assertEmailHeldByNone(await holdersByBlindIndex(tx, "email", accountId, emailBlindIndexes(email)), except);
}

/** The rule on an email's holders as read (holdersByBlindIndex, holdersOfEach): none but the exceptions. */
export function assertEmailHeldByNone({ user, invite }: BlindIndexHolders, except: { userId?: string; inviteId?: string } = {}): void {
  if (user && user !== except.userId) throw emailTaken("A user with this email already exists");
  if (invite && invite !== except.inviteId) throw emailTaken("A pending invite for this email already exists");
}

function emailTaken(message: string): Conflict {
  return new Conflict(message, { email: [message] });
}
