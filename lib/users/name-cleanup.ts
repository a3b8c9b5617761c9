/**
 * Names stored before typed names were held to one line of visible text (lib/format/display-text.ts,
 * security review 8) may still carry line breaks, tabs or direction overrides: a member could have put a
 * paragraph or a reversed name into their own name, and admins' lists, the activity log and the `name`
 * claim apps receive would still show it. This pass cleans them once per instance, as a name from a
 * directory is cleaned (each run of such characters becomes a space), re-indexes the person for search and
 * records the change ("user.updated" by "Name cleanup", the old and new name in the private details).
 *
 * It runs with the maintenance pass (lib/jobs.ts, under its lease), not before the server listens: at
 * 100,000 users reading every name takes about a second, so it reads a batch at a time from the reader
 * and lets requests in between. Each name it changes is re-read and rewritten in a unit of work of its
 * own, so an edit made meanwhile wins. When every user has been read it notes so (`meta`), and later
 * passes read nothing. A restored backup from before brings no note, so the pass runs again there.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { asc, eq, gt } from "drizzle-orm";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { meta, users } from "@/lib/db/schema";
import { asDisplayText, hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { NAME_MAX_LENGTH } from "./fields";
import { findUserRow, openIdentity, openName, sealName, userLabel } from "./records";
import { indexUser } from "./search-source";

/** The `meta` row that says every stored name has been read and cleaned. */
export const NAMES_CLEANED = "users.names_cleaned";
const ACTOR = { type: "system" as const, id: null, label: "Name cleanup" };

async function alreadyDone(): Promise<boolean> {
  const [row] = await db().select({ value: meta.value }).from(meta).where(eq(meta.key, NAMES_CLEANED)).limit(1);
  return row !== undefined;
}

/** Rewrites one person's name when it still needs it; false when someone changed or removed them meanwhile. */
async function cleanName(accountId: string, userId: string, at: Date): Promise<boolean> {
  return writeSystem(async (tx) => {
    const row = await findUserRow(tx, accountId, userId);
    if (!row) return false;
    const before = openIdentity(row);
    if (!hasUnsafeDisplayCharacters(before.name)) return false;
    const name = asDisplayText(before.name, NAME_MAX_LENGTH);
    await tx.update(users).set(sealName(row.id, name)).where(eq(users.id, row.id));
    await indexUser(tx, { ...before, name });
    await recordEvent(tx, {
      accountId,
      action: "user.updated",
      actor: ACTOR,
      target: { type: "user", id: row.id, label: userLabel({ ...before, name }) },
      details: { changed: ["name"] },
      privateDetails: { name: { from: before.name, to: name } },
      meta: NO_REQUEST,
      at,
    });
    return true;
  });
}

/** Cleans every stored name that needs it, once per instance; returns how many it changed. */
export async function cleanStoredNames({ batchSize = 200, now = new Date() }: { batchSize?: number; now?: Date } = {}): Promise<number> {
  if (await alreadyDone()) return 0;
  let cleaned = 0;
  let after = "";
  for (;;) {
    const rows = await db()
      .select({ id: users.id, accountId: users.accountId, nameCiphertext: users.nameCiphertext })
      .from(users)
      .where(gt(users.id, after))
      .orderBy(asc(users.id))
      .limit(batchSize);
    for (const row of rows) {
      if (hasUnsafeDisplayCharacters(openName(row)) && (await cleanName(row.accountId, row.id, now))) cleaned += 1;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1].id;
    // Let requests in between batches (SQLite's reads don't wait on anything).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await writeSystem(async (tx) => {
    await tx.insert(meta).values({ key: NAMES_CLEANED, value: now.toISOString() }).onConflictDoNothing();
  });
  return cleaned;
}
