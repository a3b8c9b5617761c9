/**
 * What the sign-in page offers and which providers Auth.js knows, read from
 * the database and kept in memory while the sign-in configuration's version
 * (./configuration-version.ts) stays the same. Auth.js builds its config on
 * every request (lib/sign-in/nextauth.ts), so this saves three queries and a
 * decryption per request for one primary-key read, without ever serving a
 * stale provider list on any replica: every write path in lib/idp bumps the
 * version in its unit of work.
 */
import "server-only";
import { versionedCache, type VersionedCache } from "@/lib/data/cache-version";
import type { Db } from "@/lib/db/database";
import type { IdpType } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/instance/account";
import { SIGN_IN_CONFIGURATION } from "./configuration-version";
import { ldapSourceRow, loadSignInSettings, openProviderSecret, providerRows } from "./records";

export type SignInProvider = {
  id: string;
  type: IdpType;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Whether calls to it may go to loopback addresses (lib/security/outbound-guard.ts). */
  allowInternalAddresses: boolean;
};

export type SignInOptions = {
  accountId: string | null;
  localLoginEnabled: boolean;
  ldapEnabled: boolean;
  providers: SignInProvider[];
};

async function load(q: Db): Promise<SignInOptions> {
  const accountId = await instanceAccountId();
  if (!accountId) return { accountId: null, localLoginEnabled: true, ldapEnabled: false, providers: [] };
  const [settings, rows, ldap] = await Promise.all([loadSignInSettings(q, accountId), providerRows(q, accountId), ldapSourceRow(q, accountId)]);
  const providers: SignInProvider[] = [];
  for (const row of rows) {
    if (!row.enabled) continue;
    try {
      providers.push({
        id: row.id,
        type: row.type,
        name: row.name,
        issuer: row.issuer,
        clientId: row.clientId,
        clientSecret: openProviderSecret(row),
        scopes: row.scopes,
        allowInternalAddresses: row.allowInternalAddresses,
      });
    } catch (err) {
      // One unreadable secret must not take every other way of signing in down with it.
      console.error(`Identity provider ${row.id} is skipped: its client secret can't be decrypted`, err);
    }
  }
  return { accountId, localLoginEnabled: settings.localLoginEnabled, ldapEnabled: Boolean(ldap?.enabled), providers };
}

/** A cache of the options, as one process holds it (tests make two to play two replicas). */
export function createSignInOptionsCache(): VersionedCache<SignInOptions> {
  return versionedCache(SIGN_IN_CONFIGURATION, load);
}

// On globalThis: Next.js bundles instrumentation and routes separately; the process has one cache.
const holder = globalThis as unknown as { latchkeySignInOptions?: VersionedCache<SignInOptions> };

/** The options as the database holds them now (at most one version read when unchanged). */
export async function signInOptions(cache: VersionedCache<SignInOptions> = (holder.latchkeySignInOptions ??= createSignInOptionsCache())): Promise<SignInOptions> {
  const options = await cache.get();
  // Before setup there is no account: setup creates it without a configuration change, so don't keep this answer.
  if (options.accountId === null) cache.forget();
  return options;
}
