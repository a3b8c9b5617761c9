/** Sign-in configuration as the REST API returns it (snake_case; never a secret). */
import type { LdapSourceRecord } from "./ldap/source";
import type { ProviderRecord } from "./providers";
import type { SignInSettings } from "./records";

/** The origin people reach this instance at (forwarded headers believed only from TRUST_PROXY peers). */
export { publicOrigin } from "@/lib/http/request-meta";

/** The redirect (callback) URL to register at the provider. */
export function redirectUrl(origin: string, providerId: string): string {
  return `${origin}/api/auth/callback/${providerId}`;
}

export function toApiProvider(p: ProviderRecord, origin: string) {
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

export function toApiLdap(s: LdapSourceRecord | null) {
  if (!s) return { configured: false };
  return {
    configured: true,
    id: s.id,
    name: s.name,
    enabled: s.enabled,
    url: s.url,
    start_tls: s.startTls,
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

/** The trusted-header settings as the API (and the form) send them: also what a change is laid over. */
export function toApiTrustedHeader(s: SignInSettings) {
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

export function toApiSignInSettings(s: SignInSettings) {
  return {
    local_login_enabled: s.localLoginEnabled,
    users_may_change_username: s.usersMayChangeUsername,
    trusted_header: toApiTrustedHeader(s),
  };
}
