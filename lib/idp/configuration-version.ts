/**
 * The version of the sign-in configuration (local sign-in, identity providers,
 * the LDAP source, trusted header authentication), bumped in the unit of work
 * of every change to it. The processes' caches of that configuration
 * (./sign-in-options.ts, ./discovery.ts) reload when it moves, so a change on
 * one replica is in force on all of them at their next request.
 */
import "server-only";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import type { Tx } from "@/lib/db/database";

export const SIGN_IN_CONFIGURATION = "sign-in-configuration";

/** Call in the unit of work that changes the sign-in configuration. */
export async function signInConfigurationChanged(tx: Tx): Promise<void> {
  await bumpCacheVersion(tx, SIGN_IN_CONFIGURATION);
}
