/**
 * Reading sign-in configuration rows: OIDC providers (secrets sealed with
 * AEAD, bound to their row), the LDAP source and the per-account sign-in
 * settings, with the defaults an account has before anyone changed them.
 */
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { literalLimit } from "@/lib/db/prepared";
import { decryptField, encryptField } from "@/lib/crypto/aead";
import type { Db, Tx } from "@/lib/db/database";
import {
  identityProviders,
  ldapSources,
  signInSettings,
  type IdentityProviderRow,
  type LdapSourceRow,
  type SignInSettingsRow,
} from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";

/** The idp_id of users who came in through the trusted proxy header. */
export const HEADER_IDP_ID = "header";

export function sealProviderSecret(providerId: string, secret: string): string {
  return encryptField(secret, { table: "identity_providers", column: "client_secret", rowId: providerId });
}

export function openProviderSecret(row: IdentityProviderRow): string {
  return decryptField(row.clientSecretCiphertext, { table: "identity_providers", column: "client_secret", rowId: row.id });
}

export function sealLdapPassword(sourceId: string, password: string): string {
  return encryptField(password, { table: "ldap_sources", column: "bind_password", rowId: sourceId });
}

export function openLdapPassword(row: LdapSourceRow): string | null {
  return row.bindPasswordCiphertext
    ? decryptField(row.bindPasswordCiphertext, { table: "ldap_sources", column: "bind_password", rowId: row.id })
    : null;
}

export async function providerRows(q: Db | Tx, accountId: string): Promise<IdentityProviderRow[]> {
  return q.select().from(identityProviders).where(eq(identityProviders.accountId, accountId)).orderBy(asc(identityProviders.createdAt));
}

export async function findProviderRow(q: Db | Tx, accountId: string, id: string): Promise<IdentityProviderRow | undefined> {
  const [row] = await q
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.accountId, accountId), eq(identityProviders.id, id)))
    .limit(1);
  return row;
}

export async function loadProviderRow(q: Db | Tx, accountId: string, id: string): Promise<IdentityProviderRow> {
  const row = await findProviderRow(q, accountId, id);
  if (!row) throw new NotFound("Identity provider");
  return row;
}

export async function ldapSourceRow(q: Db | Tx, accountId: string): Promise<LdapSourceRow | undefined> {
  const [row] = await q.select().from(ldapSources).where(eq(ldapSources.accountId, accountId)).limit(literalLimit(1));
  return row;
}

/** The account's sign-in sources by name and kind only (badges): no secret column leaves the database for them. */
export async function sourceNames(q: Db | Tx, accountId: string): Promise<{ providers: { id: string; name: string; type: IdentityProviderRow["type"] }[]; ldap?: { id: string; name: string } }> {
  const [providers, [ldap]] = await Promise.all([
    q.select({ id: identityProviders.id, name: identityProviders.name, type: identityProviders.type }).from(identityProviders).where(eq(identityProviders.accountId, accountId)),
    q.select({ id: ldapSources.id, name: ldapSources.name }).from(ldapSources).where(eq(ldapSources.accountId, accountId)).limit(literalLimit(1)),
  ]);
  return { providers, ldap };
}

export type SignInSettings = Omit<SignInSettingsRow, "updatedAt">;

export function defaultSignInSettings(accountId: string): SignInSettings {
  return {
    accountId,
    localLoginEnabled: true,
    headerEnabled: false,
    headerTrustedRanges: [],
    headerUser: "Remote-User",
    headerEmail: null,
    headerName: null,
    headerAutoCreate: false,
    headerDefaultRole: "user",
    usersMayChangeUsername: false,
  };
}

export async function loadSignInSettings(q: Db | Tx, accountId: string): Promise<SignInSettings> {
  const [row] = await q.select().from(signInSettings).where(eq(signInSettings.accountId, accountId)).limit(1);
  return row ?? defaultSignInSettings(accountId);
}

export async function saveSignInSettings(tx: Tx, settings: SignInSettings): Promise<void> {
  const values = { ...settings, updatedAt: new Date() };
  await tx.insert(signInSettings).values(values).onConflictDoUpdate({ target: signInSettings.accountId, set: values });
}
