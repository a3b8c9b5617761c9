/**
 * The tables of the running dialect: ./schema.sqlite.ts (the definitions and
 * the source of types) or, when DATABASE_URL names PostgreSQL, their mirror in
 * ./schema.pg.ts (same names, columns and JavaScript values). Typed as the
 * SQLite tables either way, so lib/ is written once; see lib/db/engine.ts for
 * what both dialects share. A table added to schema.sqlite.ts is mirrored in
 * schema.pg.ts and listed here (./schema-parity.test.ts checks all three).
 */
import { config } from "@/lib/config";
import * as pg from "./schema.pg";
import * as sqlite from "./schema.sqlite";

export { APPLICATION_TYPES, ID_TOKEN_SIGNING_ALGS, IDP_TYPES, LOGO_TYPES, MAIL_SECURITY, MFA_REQUIREMENTS, OUTBOX_STATUSES, ROLES, SIGNUP_POLICIES } from "./schema.sqlite";
export type { ApplicationRow, ApplicationType, IdTokenSigningAlg, LogoType, MfaRequirement } from "./schema.sqlite";
export type {
  AccessTokenRow,
  GroupRow,
  IdentityProviderRow,
  IdpType,
  InviteRow,
  DirectorySyncOutcome,
  LdapGroupMapping,
  LdapSourceRow,
  OutboxStatus,
  Role,
  MailSecurity,
  MailSettingsRow,
  RoleRow,
  SessionRow,
  SignInSettingsRow,
  SignupPolicy,
  UserRow,
} from "./schema.sqlite";

function postgresSelected(): boolean {
  try {
    return config().databaseUrl !== null;
  } catch {
    // An invalid environment: start-up refuses it with one clear line (lib/startup.ts), not this import.
    return false;
  }
}

const tables = (postgresSelected() ? pg : sqlite) as unknown as typeof sqlite;

export const meta = tables.meta;
export const accounts = tables.accounts;
export const users = tables.users;
export const groups = tables.groups;
export const userGroups = tables.userGroups;
export const invites = tables.invites;
export const retiredInviteTokens = tables.retiredInviteTokens;
export const retiredUsernames = tables.retiredUsernames;
export const sessions = tables.sessions;
export const accessTokens = tables.accessTokens;
export const activityEvents = tables.activityEvents;
export const activityAnchors = tables.activityAnchors;
export const signInLockouts = tables.signInLockouts;
export const signInBackoffs = tables.signInBackoffs;
export const identityProviders = tables.identityProviders;
export const ldapSources = tables.ldapSources;
export const signInSettings = tables.signInSettings;
// infra: outbox, leases, cache versions, rate limits
export const outbox = tables.outbox;
export const leases = tables.leases;
export const cacheVersions = tables.cacheVersions;
export const rateLimits = tables.rateLimits;
// search: the searchable encrypted index
export const searchScopes = tables.searchScopes;
export const searchEntries = tables.searchEntries;
export const searchTerms = tables.searchTerms;
export const searchRecentTerms = tables.searchRecentTerms;
export const userCounts = tables.userCounts;
// two-factor (issue 14)
export const mfaTotp = tables.mfaTotp;
export const mfaRecoveryCodes = tables.mfaRecoveryCodes;
export const mfaPendingSteps = tables.mfaPendingSteps;
export const mfaPolicies = tables.mfaPolicies;
export const mfaPasskeys = tables.mfaPasskeys;
export const mfaWebauthnChallenges = tables.mfaWebauthnChallenges;
// roles: custom roles, extra roles per user, roles through groups
export const roles = tables.roles;
export const userRoles = tables.userRoles;
export const groupRoles = tables.groupRoles;

// appearance: the instance's name and logo
export const instanceAppearance = tables.instanceAppearance;

// operations: owner recovery links
export const ownerRecoveryLinks = tables.ownerRecoveryLinks;

// email: mail settings, password-reset links, email changes
export const mailSettings = tables.mailSettings;
export const passwordResets = tables.passwordResets;
export const emailChanges = tables.emailChanges;
export const knownBrowsers = tables.knownBrowsers;

// applications (issue 15): the OIDC provider's clients and the groups allowed into each
export const applications = tables.applications;
export const applicationGroups = tables.applicationGroups;

// OpenID Connect provider (issue 15)
export const oidcModels = tables.oidcModels;
export const oidcSigningKeys = tables.oidcSigningKeys;
