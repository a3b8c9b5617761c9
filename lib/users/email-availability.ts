/**
 * One email, one person per account: an email is taken by a user or by a
 * pending invite. Checked inside the write transaction (the unique indexes on
 * users and invites back it up).
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { emailBlindIndexes } from "@/lib/crypto/blind-index";
import type { Db, Tx } from "@/lib/db/database";
import { preparedQuery } from "@/lib/db/sqlite-prepared";
import { invites, users } from "@/lib/db/schema";
import { Conflict } from "@/lib/errors";

// One blind index (no key rotation under way, the usual case): a query built once (lib/db/sqlite-prepared.ts).
const userByEmail = (q: Db, param: (name: "accountId" | "index") => never) =>
  q.select({ id: users.id }).from(users).where(and(eq(users.accountId, param("accountId")), eq(users.emailIndex, param("index")))).limit(1);
const inviteByEmail = (q: Db, param: (name: "accountId" | "index") => never) =>
  q.select({ id: invites.id }).from(invites).where(and(eq(invites.accountId, param("accountId")), eq(invites.emailIndex, param("index")))).limit(1);

export async function assertEmailAvailable(
  tx: Tx,
  accountId: string,
  email: string,
  except: { userId?: string; inviteId?: string } = {},
): Promise<void> {
  const indexes = emailBlindIndexes(email);
  const [user] =
    indexes.length === 1
      ? await preparedQuery(tx, userByEmail, { accountId, index: indexes[0] })
      : await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.accountId, accountId), inArray(users.emailIndex, indexes)))
          .limit(1);
  if (user && user.id !== except.userId) throw new Conflict("A user with this email already exists");
  const [invite] =
    indexes.length === 1
      ? await preparedQuery(tx, inviteByEmail, { accountId, index: indexes[0] })
      : await tx
          .select({ id: invites.id })
          .from(invites)
          .where(and(eq(invites.accountId, accountId), inArray(invites.emailIndex, indexes)))
          .limit(1);
  if (invite && invite.id !== except.inviteId) throw new Conflict("A pending invite for this email already exists");
}
