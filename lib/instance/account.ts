/**
 * The instance's account. An instance is set up once and then has exactly one
 * account; until then every dashboard page leads to /setup.
 */
import "server-only";
import { db } from "@/lib/db/database";
import { accounts } from "@/lib/db/schema";

let setupDone = false;

/** The account id, or null before setup. Once set up, an instance never goes back. */
export async function instanceAccountId(): Promise<string | null> {
  const [row] = await db().select({ id: accounts.id }).from(accounts).limit(1);
  if (row) setupDone = true;
  return row?.id ?? null;
}

export async function isSetupRequired(): Promise<boolean> {
  if (setupDone) return false;
  return (await instanceAccountId()) === null;
}
