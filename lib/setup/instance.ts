/**
 * The instance's account. An instance is set up once and then has exactly one
 * account; until then every dashboard page leads to /setup.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { accounts } from "@/lib/db/schema";

let setupDone = false;

/** The account id, or null before setup. Once set up, an instance never goes back. */
export function instanceAccountId(): string | null {
  const row = db().select({ id: accounts.id }).from(accounts).limit(1).get();
  if (row) setupDone = true;
  return row?.id ?? null;
}

export function isSetupRequired(): boolean {
  if (setupDone) return false;
  return instanceAccountId() === null;
}
