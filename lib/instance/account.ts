/**
 * The instance's account. An instance is set up once and then has exactly one
 * account; until then every dashboard page leads to /setup.
 */
import "server-only";
import { db, type Db } from "@/lib/db/database";
import { accounts } from "@/lib/db/schema";

let setupDone = false;
// Once set up, the account never changes: kept per open database (a test that opens another gets its own).
const known = new WeakMap<Db, string>();

/** The account id, or null before setup. Once set up, an instance never goes back. */
export async function instanceAccountId(): Promise<string | null> {
  const database = db();
  const held = known.get(database);
  if (held) return held;
  const [row] = await database.select({ id: accounts.id }).from(accounts).limit(1);
  if (row) {
    setupDone = true;
    known.set(database, row.id);
  }
  return row?.id ?? null;
}

export async function isSetupRequired(): Promise<boolean> {
  if (setupDone) return false;
  return (await instanceAccountId()) === null;
}
