/**
 * What the sign-in page offers and which providers Auth.js knows, read from
 * the database and kept in memory until a configuration change forgets it.
 * Auth.js builds its config on every request (lib/auth/nextauth.ts), so this
 * saves a query and a decryption per request without ever serving a stale
 * provider list: every write path in lib/idp calls forgetSignInOptions().
 */
import "server-only";
import { db } from "@/lib/db/database";
import type { IdpType } from "@/lib/db/schema";
import { instanceAccountId } from "@/lib/setup/instance";
import { ldapSourceRow, loadSignInSettings, openProviderSecret, providerRows } from "./records";

export type SignInProvider = {
  id: string;
  type: IdpType;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Whether calls to it may go to loopback addresses (lib/idp/outbound-guard.ts). */
  allowInternalAddresses: boolean;
};

export type SignInOptions = {
  accountId: string | null;
  localLoginEnabled: boolean;
  ldapEnabled: boolean;
  providers: SignInProvider[];
};

const holder = globalThis as unknown as { latchkeySignInOptions?: SignInOptions; latchkeySignInOptionsGeneration?: number };

async function load(): Promise<SignInOptions> {
  const accountId = await instanceAccountId();
  if (!accountId) return { accountId: null, localLoginEnabled: true, ldapEnabled: false, providers: [] };
  const [settings, rows, ldap] = await Promise.all([loadSignInSettings(db(), accountId), providerRows(db(), accountId), ldapSourceRow(db(), accountId)]);
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

export async function signInOptions(): Promise<SignInOptions> {
  const cached = holder.latchkeySignInOptions;
  if (cached && cached.accountId !== null) return cached;
  const generation = holder.latchkeySignInOptionsGeneration ?? 0;
  const fresh = await load();
  // A change committed while this was loading may not be in it: keep it only if nothing was forgotten meanwhile.
  if ((holder.latchkeySignInOptionsGeneration ?? 0) === generation) holder.latchkeySignInOptions = fresh;
  return fresh;
}

/** After a sign-in configuration change commits (lib/idp's write paths call it through afterCommit). */
export function forgetSignInOptions(): void {
  holder.latchkeySignInOptionsGeneration = (holder.latchkeySignInOptionsGeneration ?? 0) + 1;
  delete holder.latchkeySignInOptions;
}
