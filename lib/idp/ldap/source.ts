/**
 * The account's LDAP source (Settings → LDAP and /api/settings/ldap): read,
 * save (the bind password sealed, kept when left empty, never returned or
 * logged) and test. One source per account. Only the owner saves or tests
 * it, checked on the caller as they are inside a transaction; the stored
 * bind password is only used for the server, bind DN and searches it was
 * entered for.
 */
import "server-only";
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { ldapSources, type LdapSourceRow } from "@/lib/db/schema";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { Invalid } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { parseOrThrow } from "@/lib/http/validation";
import { patched, type Patch } from "@/lib/data/patch";
import { ldapSourceRow, openLdapPassword, sealLdapPassword } from "../records";
import { ldapInputSchema, type LdapInput } from "../schemas";
import { signInConfigurationChanged } from "../configuration-version";
import { assertPrivilegedSignupAccepted, type SignupGrant } from "../privileged-signup";
import { endSessionsIfSwitchedOff } from "../source-closed";
import { assertTestedConnection, ownerWayInTestFailed } from "../owner-connection";
import { assertOwnerKeepsWayIn, ownerOnlyThrough } from "../way-in";
import { caFingerprints } from "./ca-certificate";
import { DirectoryUnavailable, findBoundEntries, testDirectory, type LdapConfig, type LdapTestResult } from "./directory";

const MANAGE_DENIED = "Only the owner can change or test the LDAP settings";
const READ_DENIED = "Only admins, auditors and the owner can see the LDAP settings";

export type LdapSourceRecord = Omit<LdapSourceRow, "bindPasswordCiphertext" | "accountId"> & { bindPasswordSet: boolean };

function toRecord(row: LdapSourceRow): LdapSourceRecord {
  const { bindPasswordCiphertext, accountId: _accountId, ...rest } = row;
  return { ...rest, bindPasswordSet: bindPasswordCiphertext !== null };
}

export function ldapConfigOf(row: LdapSourceRow): LdapConfig {
  return { ...directoryOf(inputOf(row)), bindPassword: openLdapPassword(row) };
}

/** The source's settings as stored: the input without the write-only bind password and the request's confirmation. */
type StoredInput = Omit<LdapInput, "bind_password" | "accept_privileged_signup">;

/** How to reach and read the directory, from a validated input (the bind password apart: stored sealed, tested plain). */
function directoryOf(input: StoredInput): Omit<LdapConfig, "bindPassword"> {
  return {
    url: input.url,
    startTls: input.start_tls,
    tlsCaCertificate: input.tls_ca_certificate,
    bindDn: input.bind_dn,
    searchBase: input.search_base,
    userFilter: input.user_filter,
    usernameAttribute: input.username_attribute,
    emailAttribute: input.email_attribute,
    nameAttribute: input.name_attribute,
    groupSearchBase: input.group_search_base,
    groupFilter: input.group_filter,
    groupNameAttribute: input.group_name_attribute,
    groupMapping: input.group_mapping,
    allowInternalAddresses: input.allow_internal_addresses,
  };
}

function assertManagesSignIn(actor: Actor): void {
  assertCan(actor, "settings:sign_in", MANAGE_DENIED);
}

/**
 * An empty bind password means "the stored one", but only while the input
 * still points where it was entered: with another server URL, StartTLS
 * setting or bind DN, keeping it would send the secret to a server (or in the
 * clear, or for an identity) of the editor's choosing; with other search
 * bases or filters, "Test connection" would run the editor's own queries as
 * the service account (blind queries, one count at a time).
 */
function assertPasswordFollowsEndpoint(saved: LdapSourceRow, input: LdapInput): void {
  if (input.bind_password || saved.bindPasswordCiphertext === null) return;
  const moved = [
    saved.url !== input.url && "server URL",
    saved.startTls !== input.start_tls && "StartTLS setting",
    (saved.tlsCaCertificate ?? null) !== input.tls_ca_certificate && "trusted CA certificate",
    saved.bindDn !== input.bind_dn && "bind DN",
    saved.searchBase !== input.search_base && "user search base",
    saved.userFilter !== input.user_filter && "user filter",
    (saved.groupSearchBase ?? null) !== input.group_search_base && "group search base",
    saved.groupFilter !== input.group_filter && "group filter",
  ].filter((m): m is string => Boolean(m));
  if (moved.length === 0) return;
  const message = `Enter the bind password again: the ${moved.join(", ").replace(/, ([^,]*)$/, " and $1")} changed, and the stored password is only sent where it was entered`;
  throw new Invalid(message, { bind_password: [message] });
}

/** The saved source, or null when LDAP was never configured. */
export async function getLdapSource(actor: Actor): Promise<LdapSourceRecord | null> {
  assertCan(actor, "identity_providers:read", READ_DENIED);
  const row = await ldapSourceRow(db(), actor.accountId);
  return row ? toRecord(row) : null;
}

function publicConfig(input: LdapInput): StoredInput {
  const { bind_password: _secret, accept_privileged_signup: _confirmation, ...rest } = input;
  return rest;
}

/**
 * Whom the directory's sign-up makes, for the privileged sign-up rule: with auto-create, anyone the directory
 * vouches for gets the default role and whatever groups their directory groups map to (mapped only with a
 * group search base: ./group-mapping.ts).
 */
function signupGrant(c: StoredInput): SignupGrant {
  return { createsAccounts: c.auto_create, role: c.default_role, groupIds: c.group_search_base ? c.group_mapping.map((m) => m.group_id) : [] };
}

/** The settings as the activity log keeps them: the trusted CA by its fingerprints (a PEM is long, and says nothing to a reader). */
function loggedConfig(c: StoredInput): Record<string, unknown> {
  return { ...c, tls_ca_certificate: c.tls_ca_certificate === null ? null : caFingerprints(c.tls_ca_certificate) };
}

/** The stored source as the form and the API send it (the bind password apart: write-only). */
function inputOf(row: LdapSourceRow): StoredInput {
  return {
    name: row.name,
    enabled: row.enabled,
    url: row.url,
    start_tls: row.startTls,
    tls_ca_certificate: row.tlsCaCertificate ?? null,
    bind_dn: row.bindDn,
    search_base: row.searchBase,
    user_filter: row.userFilter,
    username_attribute: row.usernameAttribute,
    email_attribute: row.emailAttribute,
    name_attribute: row.nameAttribute,
    group_search_base: row.groupSearchBase,
    group_filter: row.groupFilter,
    group_name_attribute: row.groupNameAttribute,
    group_mapping: row.groupMapping,
    auto_create: row.autoCreate,
    default_role: row.defaultRole === "owner" ? "user" : row.defaultRole,
    allow_unencrypted: row.allowUnencrypted,
    allow_internal_addresses: row.allowInternalAddresses,
  };
}

/** What reaching and finding a person depends on, as one comparable text (kept in memory only: it holds a new bind password). */
function connectionOf(c: StoredInput & { bind_password?: string }): string {
  return JSON.stringify([c.url, c.start_tls, c.tls_ca_certificate, c.allow_unencrypted, c.allow_internal_addresses, c.bind_dn, c.bind_password ?? null, c.search_base, c.user_filter, c.username_attribute]);
}

const OWNER_NOT_FOUND = "With the new settings, the directory no longer finds the owner: the search base and user filter must still match their entry.";

/**
 * When the directory is the owner's only way in and the save changes how it is reached or searched,
 * "Test connection" on the new settings, and then a search for the owner's own entry by the new filter
 * (lib/idp/owner-connection.ts), before the save's transaction. Returns the connection it vouched for.
 */
async function testOwnersConnection(accountId: string, patch: Patch<LdapInput> | Record<string, unknown>): Promise<string | null> {
  const before = await ldapSourceRow(db(), accountId);
  if (!before) return null;
  const input = parseOrThrow(ldapInputSchema, patched(inputOf(before), patch));
  const next = connectionOf(input);
  const owner = next === connectionOf(inputOf(before)) ? null : await ownerOnlyThrough(db(), accountId, before.id);
  if (!owner) return null;
  assertPasswordFollowsEndpoint(before, input);
  const config = { ...directoryOf(input), bindPassword: input.bind_password ?? openLdapPassword(before) };
  const result = await testDirectory(config);
  if (!result.ok) throw ownerWayInTestFailed("url", result);
  const subject = openIdpSubject(owner);
  if (subject) {
    const { found, unsure } = await findBoundEntries(config, [subject]).catch((err: unknown) => {
      if (err instanceof DirectoryUnavailable) throw ownerWayInTestFailed("url", { message: err.message, ref: err.ref });
      throw err;
    });
    if (!found.has(subject) && !unsure.has(subject)) throw ownerWayInTestFailed("user_filter", { message: OWNER_NOT_FOUND, ref: { key: "ldapOwnerNotFound" } });
  }
  return next;
}

/** Changes the fields the patch names (lib/data/patch); the others keep what is stored. */
export async function saveLdapSource(actor: Actor, patch: Patch<LdapInput> | Record<string, unknown>, meta: RequestMeta): Promise<LdapSourceRecord> {
  assertManagesSignIn(actor);
  const tested = await testOwnersConnection(actor.accountId, patch);
  return write(actor, async (tx, me) => {
    assertManagesSignIn(me);
    const before = await ldapSourceRow(tx, me.accountId);
    const input = parseOrThrow(ldapInputSchema, patched(before ? inputOf(before) : {}, patch));
    if (before) await assertTestedConnection(tx, me.accountId, before.id, connectionOf(inputOf(before)), connectionOf(input), tested);
    await assertGroupsExist(tx, me.accountId, input.group_mapping.map((m) => m.group_id), "group_mapping");
    await assertPrivilegedSignupAccepted(tx, me.accountId, before ? signupGrant(inputOf(before)) : null, signupGrant(input), input.accept_privileged_signup);
    if (!before && !input.bind_password && input.bind_dn && input.enabled) {
      throw new Invalid("Bind password is required", { bind_password: ["Enter the bind password of the service account"] });
    }
    if (before) assertPasswordFollowsEndpoint(before, input);
    const switchedOff = before?.enabled === true && !input.enabled;
    if (switchedOff) {
      await assertOwnerKeepsWayIn(tx, me.accountId, (s) => ({ ...s, enabledLdapSourceId: null }));
    }
    const id = before?.id ?? crypto.randomUUID();
    const closed = await endSessionsIfSwitchedOff(tx, me.accountId, switchedOff, "ldap", id);
    const values = {
      ...directoryOf(input),
      name: input.name,
      enabled: input.enabled,
      ...(input.bind_password ? { bindPasswordCiphertext: sealLdapPassword(id, input.bind_password) } : {}),
      autoCreate: input.auto_create,
      defaultRole: input.default_role,
      allowUnencrypted: input.allow_unencrypted,
      updatedAt: new Date(),
    };
    const [row] = before
      ? await tx.update(ldapSources).set(values).where(eq(ldapSources.id, before.id)).returning()
      : await tx.insert(ldapSources).values({ id, accountId: me.accountId, ...values }).returning();
    await signInConfigurationChanged(tx);
    const next = loggedConfig(publicConfig(input));
    const prev: Record<string, unknown> | null = before ? loggedConfig(inputOf(before)) : null;
    const changed = prev ? Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k])) : Object.keys(next);
    if (input.bind_password) changed.push("bind_password");
    if (changed.length > 0) {
      await recordEvent(tx, {
        accountId: me.accountId,
        action: before ? "ldap.updated" : "ldap.created",
        actor: me,
        target: { type: "ldap_source", id, label: input.name },
        // The bind password is named as changed, never shown.
        details: { changed, config: next, ...closed },
        meta,
      });
    }
    return toRecord(row);
  });
}

/**
 * Tests the submitted settings, or the saved ones when none are given; an
 * empty bind password means "the saved one" (for the same server, bind DN and searches).
 */
export async function testLdapSource(actor: Actor, rawInput?: LdapInput): Promise<LdapTestResult> {
  assertManagesSignIn(actor);
  const input = rawInput ? parseOrThrow(ldapInputSchema, rawInput) : undefined;
  // The caller is checked as they are now, before the stored password is opened.
  const config = await write(actor, async (tx, me): Promise<LdapConfig | null> => {
    assertManagesSignIn(me);
    const saved = await ldapSourceRow(tx, me.accountId);
    if (!input) return saved ? ldapConfigOf(saved) : null;
    if (saved) assertPasswordFollowsEndpoint(saved, input);
    return { ...directoryOf(input), bindPassword: input.bind_password ?? (saved ? openLdapPassword(saved) : null) };
  });
  if (!config) return { ok: false, message: "LDAP is not configured yet.", ref: { key: "ldapNotConfigured" } };
  return testDirectory(config);
}
