/**
 * Stored usernames that break today's rules (lib/users/username-rule.ts usernameSchema). A username set before the
 * look-alike rules ("bob." beside "bob", Latin mixed with Cyrillic) keeps signing in and stays until someone
 * changes it (docs/security.md, "Usernames don't pass for each other"); this finds them, so an operator can rename
 * the ones that pass for someone else's (`npm run users -- check-usernames`, ./users-command.ts).
 *
 * Reading only: users are read in pages by id and only their usernames decrypted (a hit's email too); invites that
 * name a username are read whole. Nothing is changed or recorded.
 */
import "server-only";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { invites, users } from "@/lib/db/schema";
import { openInvite } from "@/lib/invites/records";
import { findUserRow, openIdentity, openUsername } from "@/lib/users/records";
import { usernameProblem } from "@/lib/users/username-rule";

export type UsernameProblem = {
  /** A user, or an invite that reserves the username for the person it invites. */
  holder: "user" | "invite";
  id: string;
  username: string;
  email: string | null;
  /** The rule it breaks, in the words a form would use when it is set. */
  problem: string;
};

/** Every user and invite in `accountId` whose username breaks today's rules: users first, each kind by id. */
export async function usernamesBreakingRules(accountId: string, { batchSize = 500 }: { batchSize?: number } = {}): Promise<UsernameProblem[]> {
  const found: UsernameProblem[] = [];
  for (let after = ""; ; ) {
    const rows = await db()
      .select({ id: users.id, accountId: users.accountId, usernameCiphertext: users.usernameCiphertext })
      .from(users)
      // By the primary key alone (as ./username-refold.ts reads): with the account in the filter the planner
      // takes the account's index and sorts every row for each page.
      .where(and(gt(users.id, after), isNotNull(users.usernameCiphertext)))
      .orderBy(asc(users.id))
      .limit(batchSize);
    for (const row of rows) {
      if (row.accountId !== accountId) continue;
      const problem = usernameProblem(openUsername(row));
      // Only a hit's whole row is read, for its email.
      const holder = problem ? await findUserRow(db(), accountId, row.id) : undefined;
      if (!problem || !holder) continue;
      const { id, username, email } = openIdentity(holder);
      found.push({ holder: "user", id, username, email, problem });
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].id;
  }
  const named = await db()
    .select()
    .from(invites)
    .where(and(eq(invites.accountId, accountId), isNotNull(invites.usernameCiphertext)))
    .orderBy(asc(invites.id));
  for (const row of named) {
    const { id, username, email } = openInvite(row);
    const problem = usernameProblem(username!);
    if (problem) found.push({ holder: "invite", id, username: username!, email, problem });
  }
  return found;
}
