/**
 * One email, one person per account: an email is taken by a user or by a
 * pending invite. Checked inside the write transaction (the unique indexes on
 * users and invites back it up).
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { emailBlindIndexes } from "@/lib/crypto/blind-index";
import type { Tx } from "@/lib/db/database";
import { invites, users } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";

export async function assertEmailAvailable(
  tx: Tx,
  accountId: string,
  email: string,
  except: { userId?: string; inviteId?: string } = {},
): Promise<void> {
  const indexes = emailBlindIndexes(email);
  const [user] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.accountId, accountId), inArray(users.emailIndex, indexes)))
    .limit(1);
  if (user && user.id !== except.userId) throw new Conflict("A user with this email already exists");
  const [invite] = await tx
    .select({ id: invites.id })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), inArray(invites.emailIndex, indexes)))
    .limit(1);
  if (invite && invite.id !== except.inviteId) throw new Conflict("A pending invite for this email already exists");
}
