/**
 * Sign-in configuration as the REST API returns it (snake_case; never a secret), with each answer's
 * zod schema: the OpenAPI document shows it, and a PUT takes its fields back (lib/http/body.ts readPatch).
 * Each builder returns its schema's type, so the two can't drift apart.
 */
import { z } from "zod";
import { IDP_TYPES, SIGNUP_POLICIES } from "@/lib/db/schema";
import type { LdapSourceRecord } from "./ldap/source";
import type { ProviderRecord } from "./providers";
import { redirectUrl } from "./callback-url";
import type { SignInSettings } from "./records";
import type { ProxyHeaderCheck } from "./trusted-header-check";

/** The origin people reach this instance at (forwarded headers believed only from TRUST_PROXY peers). */
export { publicOrigin } from "@/lib/http/request-meta";

const dateTime = z.iso.datetime({ offset: true });

export const apiProviderSchema = z
  .object({
    id: z.string(),
    type: z.enum(IDP_TYPES),
    name: z.string(),
    issuer: z.string(),
    client_id: z.string(),
    client_secret_set: z.literal(true).describe("The secret is write-only: send client_secret to change it"),
    scopes: z.string(),
    enabled: z.boolean(),
    signup_policy: z.enum(SIGNUP_POLICIES),
    allowed_domains: z.array(z.string()),
    default_role: z.string(),
    auto_groups: z.array(z.string()),
    allow_linking: z.boolean(),
    allow_internal_addresses: z.boolean(),
    require_approval: z.boolean(),
    redirect_url: z.string().describe("The callback URL to register at the provider"),
    users_count: z.number().int(),
    created_at: dateTime,
    updated_at: dateTime,
  })
  .meta({ id: "IdentityProvider" });

export function toApiProvider(p: ProviderRecord, origin: string): z.input<typeof apiProviderSchema> {
  return {
    id: p.id,
    type: p.type,
    name: p.name,
    issuer: p.issuer,
    client_id: p.clientId,
    client_secret_set: true,
    scopes: p.scopes,
    enabled: p.enabled,
    signup_policy: p.signupPolicy,
    allowed_domains: p.allowedDomains,
    default_role: p.defaultRole,
    auto_groups: p.autoGroups,
    allow_linking: p.allowLinking,
    allow_internal_addresses: p.allowInternalAddresses,
    require_approval: p.requireApproval,
    redirect_url: redirectUrl(origin, p.id),
    users_count: p.usersCount,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** The LDAP directory when one is configured. */
export const apiLdapSourceSchema = z
  .object({
    configured: z.literal(true),
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    url: z.string(),
    start_tls: z.boolean(),
    tls_ca_certificate: z.string().nullable().describe("The directory's CA certificate(s), PEM, that ldaps:// and StartTLS trust instead of the usual authorities; null: the usual ones"),
    bind_dn: z.string(),
    bind_password_set: z.boolean().describe("The bind password is write-only: send bind_password to change it"),
    search_base: z.string(),
    user_filter: z.string(),
    username_attribute: z.string(),
    email_attribute: z.string(),
    name_attribute: z.string(),
    group_search_base: z.string().nullable(),
    group_filter: z.string(),
    group_name_attribute: z.string(),
    group_mapping: z.array(z.object({ ldap_group: z.string(), group_id: z.string() })),
    auto_create: z.boolean(),
    default_role: z.string(),
    allow_unencrypted: z.boolean(),
    allow_internal_addresses: z.boolean(),
    updated_at: dateTime,
    last_sync: z
      .object({
        at: dateTime,
        status: z.enum(["done", "unavailable", "guarded"]).optional(),
        checked: z.number().int().optional(),
        missing: z.number().int().optional(),
        suspended: z.number().int().optional(),
        groups_updated: z.number().int().optional(),
        not_checked: z.number().int().optional(),
        owner_entry_gone: z.boolean().optional(),
        message: z.string().optional(),
      })
      .nullable()
      .describe("The periodic directory check's last run; null before the first"),
  })
  .meta({ id: "LdapSource" });

export const apiLdapSchema = z.discriminatedUnion("configured", [z.object({ configured: z.literal(false) }), apiLdapSourceSchema]).meta({ id: "LdapSettings" });

export function toApiLdap(s: LdapSourceRecord | null): z.input<typeof apiLdapSchema> {
  if (!s) return { configured: false };
  return {
    configured: true,
    id: s.id,
    name: s.name,
    enabled: s.enabled,
    url: s.url,
    start_tls: s.startTls,
    tls_ca_certificate: s.tlsCaCertificate,
    bind_dn: s.bindDn,
    bind_password_set: s.bindPasswordSet,
    search_base: s.searchBase,
    user_filter: s.userFilter,
    username_attribute: s.usernameAttribute,
    email_attribute: s.emailAttribute,
    name_attribute: s.nameAttribute,
    group_search_base: s.groupSearchBase,
    group_filter: s.groupFilter,
    group_name_attribute: s.groupNameAttribute,
    group_mapping: s.groupMapping,
    auto_create: s.autoCreate,
    default_role: s.defaultRole,
    allow_unencrypted: s.allowUnencrypted,
    allow_internal_addresses: s.allowInternalAddresses,
    updated_at: s.updatedAt.toISOString(),
    // The periodic directory check's last run (lib/idp/ldap/directory-sync.ts): null before the first.
    last_sync: s.lastSyncAt ? { at: s.lastSyncAt.toISOString(), ...s.lastSyncOutcome } : null,
  };
}

export const apiTrustedHeaderSchema = z
  .object({
    enabled: z.boolean(),
    trusted_ranges: z.array(z.string()),
    user_header: z.string(),
    email_header: z.string().nullable(),
    name_header: z.string().nullable(),
    auto_create: z.boolean(),
    default_role: z.string(),
  })
  .meta({ id: "TrustedHeaderSettings" });

/** The trusted-header settings as the API (and the form) send them: also what a change is laid over. */
export function toApiTrustedHeader(s: SignInSettings): z.input<typeof apiTrustedHeaderSchema> {
  return {
    enabled: s.headerEnabled,
    trusted_ranges: s.headerTrustedRanges,
    user_header: s.headerUser,
    email_header: s.headerEmail,
    name_header: s.headerName,
    auto_create: s.headerAutoCreate,
    default_role: s.headerDefaultRole,
  };
}

export const apiSignInSettingsSchema = z
  .object({ local_login_enabled: z.boolean(), users_may_change_username: z.boolean(), trusted_header: apiTrustedHeaderSchema })
  .meta({ id: "SignInSettings" });

export function toApiSignInSettings(s: SignInSettings): z.input<typeof apiSignInSettingsSchema> {
  return {
    local_login_enabled: s.localLoginEnabled,
    users_may_change_username: s.usersMayChangeUsername,
    trusted_header: toApiTrustedHeader(s),
  };
}

/** POST /api/settings/trusted-header/test: what the request carries, and whom it would sign in as (never signed in). */
export const apiProxyHeaderCheckSchema = z
  .object({
    enabled: z.boolean().describe("Whether header sign-in is on now; the rest says what it does (or would do) for this request"),
    peer: z.string().nullable().describe("The request's network peer address, as the sign-in sees it"),
    trusted_peer: z.boolean(),
    user_header: z.string(),
    header_present: z.boolean(),
    signs_in_as: z
      .discriminatedUnion("outcome", [
        z.object({ outcome: z.literal("existing"), user: z.object({ id: z.string(), label: z.string() }) }),
        z.object({ outcome: z.literal("new") }),
        z.object({ outcome: z.literal("refused"), reason: z.string(), message: z.string() }),
      ])
      .nullable()
      .describe("null: the header would sign nobody in (untrusted peer, or no header)"),
  })
  .meta({ id: "ProxyHeaderCheck" });

export function toApiProxyHeaderCheck(c: ProxyHeaderCheck): z.input<typeof apiProxyHeaderCheckSchema> {
  return { enabled: c.enabled, peer: c.peer, trusted_peer: c.trustedPeer, user_header: c.userHeader, header_present: c.headerPresent, signs_in_as: c.signsInAs };
}
