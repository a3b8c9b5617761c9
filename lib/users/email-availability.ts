/**
 * One email, one person per account: an email is taken by a user or by a
 * pending invite. Checked inside the write transaction (the unique indexes on
 * users and invites back it up).
 */
import "server-only";
import { emailBlindIndexes } from "@/lib/crypto/blind-index";
import type { Tx } from "@/lib/db/database";
import { Conflict } from "@/lib/errors";
import { idByBlindIndex } from "./blind-index-lookup";

export async function assertEmailAvailable(
  tx: Tx,
  accountId: string,
  email: string,
  except: { userId?: string; inviteId?: string } = {},
): Promise<void> {
  const indexes = emailBlindIndexes(email);
  const user = await idByBlindIndex(tx, "user-email", accountId, indexes);
  if (user && user !== except.userId) throw new Conflict("A user with this email already exists");
  const invite = await idByBlindIndex(tx, "invite-email", accountId, indexes);
  if (invite && invite !== except.inviteId) throw new Conflict("A pending invite for this email already exists");
}
