/**
 * What the sign-in page offers and which providers Auth.js knows, read from
 * the database and kept in memory until a configuration change forgets it.
 * Auth.js builds its config on every request (lib/auth/nextauth.ts), so this
 * saves a query and a decryption per request without ever serving a stale
 * provider list: every write path in lib/idp calls forgetSignInOptions().
 */
import "server-only";
import { db } from "@/lib/db/client";
import { accounts, type IdpType } from "@/lib/db/schema";
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

const holder = globalThis as unknown as { latchkeySignInOptions?: SignInOptions };

function load(): SignInOptions {
  // Still synchronous (Auth.js's config is built synchronously); lib/setup/instance.ts's instanceAccountId is async now.
  const accountId = db().select({ id: accounts.id }).from(accounts).limit(1).get()?.id ?? null;
  if (!accountId) return { accountId: null, localLoginEnabled: true, ldapEnabled: false, providers: [] };
  const settings = loadSignInSettings(db(), accountId);
  const providers: SignInProvider[] = [];
  for (const row of providerRows(db(), accountId)) {
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
  return { accountId, localLoginEnabled: settings.localLoginEnabled, ldapEnabled: Boolean(ldapSourceRow(db(), accountId)?.enabled), providers };
}

export function signInOptions(): SignInOptions {
  const cached = holder.latchkeySignInOptions;
  if (cached && cached.accountId !== null) return cached;
  const fresh = load();
  holder.latchkeySignInOptions = fresh;
  return fresh;
}

export function forgetSignInOptions(): void {
  delete holder.latchkeySignInOptions;
}
