/**
 * The account's LDAP source (Settings → LDAP and /api/settings/ldap): read,
 * save (the bind password sealed, kept when left empty, never returned or
 * logged) and test. One source per account.
 */
import "server-only";
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { db, writeTransaction } from "@/lib/db/client";
import { ldapSources, type LdapSourceRow } from "@/lib/db/schema";
import { Invalid } from "@/lib/errors";
import { assertGroupsExist } from "@/lib/groups/membership";
import { parseOrThrow } from "@/lib/http/validation";
import { ldapSourceRow, openLdapPassword, sealLdapPassword } from "../records";
import { ldapInputSchema, type LdapInput } from "../schemas";
import { forgetSignInOptions } from "../sign-in-options";
import { assertOwnerKeepsWayIn } from "../way-in";
import { testDirectory, type LdapConfig, type LdapTestResult } from "./directory";

const MANAGE_DENIED = "Only admins and the owner can change the LDAP settings";
const READ_DENIED = "Only admins, auditors and the owner can see the LDAP settings";

export type LdapSourceRecord = Omit<LdapSourceRow, "bindPasswordCiphertext" | "accountId"> & { bindPasswordSet: boolean };

function toRecord(row: LdapSourceRow): LdapSourceRecord {
  const { bindPasswordCiphertext, accountId: _accountId, ...rest } = row;
  return { ...rest, bindPasswordSet: bindPasswordCiphertext !== null };
}

export function ldapConfigOf(row: LdapSourceRow): LdapConfig {
  return {
    url: row.url,
    startTls: row.startTls,
    bindDn: row.bindDn,
    bindPassword: openLdapPassword(row),
    searchBase: row.searchBase,
    userFilter: row.userFilter,
    usernameAttribute: row.usernameAttribute,
    emailAttribute: row.emailAttribute,
    nameAttribute: row.nameAttribute,
    groupSearchBase: row.groupSearchBase,
    groupFilter: row.groupFilter,
    groupNameAttribute: row.groupNameAttribute,
    groupMapping: row.groupMapping,
  };
}

/** The saved source, or null when LDAP was never configured. */
export function getLdapSource(actor: Actor): LdapSourceRecord | null {
  assertCan(actor, "settings:read", READ_DENIED);
  const row = ldapSourceRow(db(), actor.accountId);
  return row ? toRecord(row) : null;
}

function publicConfig(input: LdapInput) {
  const { bind_password: _secret, ...rest } = input;
  return rest;
}

export function saveLdapSource(actor: Actor, rawInput: LdapInput, meta: RequestMeta): LdapSourceRecord {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const input = parseOrThrow(ldapInputSchema, rawInput);
  const record = writeTransaction((tx) => {
    const before = ldapSourceRow(tx, actor.accountId);
    assertGroupsExist(tx, actor.accountId, input.group_mapping.map((m) => m.group_id), "group_mapping");
    if (!before && !input.bind_password && input.bind_dn && input.enabled) {
      throw new Invalid("Bind password is required", { bind_password: ["Enter the bind password of the service account"] });
    }
    if (before?.enabled && !input.enabled) {
      assertOwnerKeepsWayIn(tx, actor.accountId, (s) => ({ ...s, enabledLdapSourceId: null }));
    }
    const id = before?.id ?? crypto.randomUUID();
    const values = {
      name: input.name,
      enabled: input.enabled,
      url: input.url,
      startTls: input.start_tls,
      bindDn: input.bind_dn,
      ...(input.bind_password ? { bindPasswordCiphertext: sealLdapPassword(id, input.bind_password) } : {}),
      searchBase: input.search_base,
      userFilter: input.user_filter,
      usernameAttribute: input.username_attribute,
      emailAttribute: input.email_attribute,
      nameAttribute: input.name_attribute,
      groupSearchBase: input.group_search_base,
      groupFilter: input.group_filter,
      groupNameAttribute: input.group_name_attribute,
      groupMapping: input.group_mapping,
      autoCreate: input.auto_create,
      defaultRole: input.default_role,
      updatedAt: new Date(),
    };
    const row = before
      ? tx.update(ldapSources).set(values).where(eq(ldapSources.id, before.id)).returning().get()
      : tx.insert(ldapSources).values({ id, accountId: actor.accountId, ...values }).returning().get();
    const next = publicConfig(input) as Record<string, unknown>;
    const prev: Record<string, unknown> | null = before
      ? {
          name: before.name,
          enabled: before.enabled,
          url: before.url,
          start_tls: before.startTls,
          bind_dn: before.bindDn,
          search_base: before.searchBase,
          user_filter: before.userFilter,
          username_attribute: before.usernameAttribute,
          email_attribute: before.emailAttribute,
          name_attribute: before.nameAttribute,
          group_search_base: before.groupSearchBase,
          group_filter: before.groupFilter,
          group_name_attribute: before.groupNameAttribute,
          group_mapping: before.groupMapping,
          auto_create: before.autoCreate,
          default_role: before.defaultRole,
        }
      : null;
    const changed = prev ? Object.keys(next).filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k])) : Object.keys(next);
    if (input.bind_password) changed.push("bind_password");
    if (changed.length > 0) {
      recordEvent(tx, {
        accountId: actor.accountId,
        action: before ? "ldap.updated" : "ldap.created",
        actor: actorParty(tx, actor),
        target: { type: "ldap_source", id, label: input.name },
        // The bind password is named as changed, never shown.
        details: { changed, config: next },
        meta,
      });
    }
    return toRecord(row);
  });
  forgetSignInOptions();
  return record;
}

/**
 * Tests the submitted settings, or the saved ones when none are given; an
 * empty bind password means "the saved one".
 */
export async function testLdapSource(actor: Actor, rawInput?: LdapInput): Promise<LdapTestResult> {
  assertCan(actor, "settings:manage", MANAGE_DENIED);
  const saved = ldapSourceRow(db(), actor.accountId);
  if (!rawInput) {
    if (!saved) return { ok: false, message: "LDAP is not configured yet." };
    return testDirectory(ldapConfigOf(saved));
  }
  const input = parseOrThrow(ldapInputSchema, rawInput);
  return testDirectory({
    url: input.url,
    startTls: input.start_tls,
    bindDn: input.bind_dn,
    bindPassword: input.bind_password ?? (saved ? openLdapPassword(saved) : null),
    searchBase: input.search_base,
    userFilter: input.user_filter,
    usernameAttribute: input.username_attribute,
    emailAttribute: input.email_attribute,
    nameAttribute: input.name_attribute,
    groupSearchBase: input.group_search_base,
    groupFilter: input.group_filter,
    groupNameAttribute: input.group_name_attribute,
    groupMapping: input.group_mapping,
  });
}
