/**
 * The start-up data migration for usernames: every user from before usernames
 * gets one, derived from their email's local part (service users: from their
 * name; directory and proxy users: from the username the source knows them
 * by; nothing usable: "user"), made unique in the account with a number, and
 * sealed and indexed (blind index and search) like any other. SQL alone can't
 * do it (it needs decryption), so start-up runs it before the server listens.
 * Idempotent: it fills only rows whose username is still null, a batch per
 * transaction, the earliest users first (so the owner keeps the plain name).
 */
import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { writeSystem } from "@/lib/data/unit-of-work";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { ldapSources, users, type UserRow } from "@/lib/db/schema";
import { openIdentity, sealUsername } from "./records";
import { indexUser } from "./search-source";
import { allocateUsername, sanitiseUsername, usernameBaseFor } from "./username";

/** The proxy header's idp_id (lib/idp/records.ts HEADER_IDP_ID; not imported: sign-in sits above users). */
const PROXY_HEADER_IDP_ID = "header";

function baseFor(row: UserRow, ldapIds: Set<string>): string {
  const who = openIdentity(row);
  if (row.isServiceUser) return sanitiseUsername(who.name);
  // The directory username or the proxy's user name, as a sign-in through them would give.
  const subject = row.idpId && (row.idpId === PROXY_HEADER_IDP_ID || ldapIds.has(row.idpId)) ? openIdpSubject(row) : null;
  return usernameBaseFor({ username: subject, email: who.email, name: who.name });
}

/** Gives every user without a username one; returns how many it filled. */
export async function deriveMissingUsernames(batchSize = 200): Promise<number> {
  let filled = 0;
  for (;;) {
    const done = await writeSystem(async (tx) => {
      const rows = await tx.select().from(users).where(isNull(users.usernameIndex)).orderBy(asc(users.createdAt), asc(users.id)).limit(batchSize);
      if (rows.length === 0) return 0;
      const accountIds = [...new Set(rows.map((r) => r.accountId))];
      const ldap = await tx.select({ id: ldapSources.id }).from(ldapSources).where(inArray(ldapSources.accountId, accountIds));
      const ldapIds = new Set(ldap.map((s) => s.id));
      for (const row of rows) {
        const username = await allocateUsername(tx, row.accountId, baseFor(row, ldapIds));
        await tx
          .update(users)
          .set(sealUsername(row.id, username))
          .where(and(eq(users.id, row.id), isNull(users.usernameIndex)));
        const who = openIdentity(row);
        // The search index learns the username too (the search backfill only sees counts).
        await indexUser(tx, { accountId: row.accountId, id: row.id, name: who.name, email: who.email, username });
      }
      return rows.length;
    });
    filled += done;
    if (done < batchSize) return filled;
  }
}
