/**
 * The PostgreSQL mirror of ./schema.sqlite.ts: the same tables, column names,
 * nullability, defaults, indexes and foreign keys, and the same JavaScript
 * values, so lib/ code (typed with the SQLite tables through ./schema.ts) runs
 * unchanged on either. Times are bigint epoch milliseconds read as Date (so
 * hand-written SQL compares numbers in both dialects); JSON stays text (the
 * activity hash covers the exact text). ./schema-parity.test.ts holds the two
 * files together. Migrations: `npm run db:generate` (drizzle/postgres).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { APPLICATION_TYPES, ID_TOKEN_SIGNING_ALGS, IDP_TYPES, LOGO_TYPES, MAIL_SECURITY, MFA_REQUIREMENTS, OUTBOX_STATUSES, ROLES, SIGNUP_POLICIES, type DirectorySyncOutcome, type LdapGroupMapping } from "./schema.sqlite";

/** Epoch milliseconds in a bigint column, a Date in JavaScript (SQLite's integer timestamp_ms). */
const epochMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => "bigint",
  toDriver: (value) => value.getTime(),
  // The engine parses int8 as a number; a string only if a value came through another path.
  fromDriver: (value) => new Date(Number(value)),
});

/** JSON kept as its exact text (SQLite's text json mode). */
const jsonText = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => "text",
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => JSON.parse(value) as T,
  })(name);

/** A whole number that may outgrow 32 bits (positions in the activity chain). */
const count = (name: string) => bigint(name, { mode: "number" });

const createdAt = () =>
  epochMs("created_at")
    .notNull()
    .default(sql`(floor(extract(epoch from now()) * 1000)::bigint)`);

export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const accounts = pgTable("accounts", {
  id: text("id").primaryKey(),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    emailCiphertext: text("email_ciphertext"),
    emailIndex: text("email_index"),
    nameCiphertext: text("name_ciphertext").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    isBlocked: boolean("is_blocked").notNull().default(false),
    isServiceUser: boolean("is_service_user").notNull().default(false),
    passwordHash: text("password_hash"),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    idpId: text("idp_id"),
    idpSubjectCiphertext: text("idp_subject_ciphertext"),
    idpSubjectIndex: text("idp_subject_index"),
    idpSubjectPlaintext: text("idp_subject"),
    createdAt: createdAt(),
    lastLoginAt: epochMs("last_login_at"),
    pendingApproval: boolean("pending_approval").notNull().default(false),
    // usernames: sealed like the name, found by username_index (lib/users/username.ts). Nullable only
    // until start-up derives one for rows from before usernames (lib/users/username-backfill.ts).
    usernameCiphertext: text("username_ciphertext"),
    usernameIndex: text("username_index"),
    /** The language mail to this person is written in ("en", "de"): their last choice, or null for the instance's (lib/mail/language.ts). */
    locale: text("locale"),
    /** When the email was proven or vouched for; null when not (see schema.sqlite.ts). */
    emailVerifiedAt: epochMs("email_verified_at"),
    /** When the directory check blocked the person (their entry gone); see schema.sqlite.ts. */
    directorySuspendedAt: epochMs("directory_suspended_at"),
  },
  (t) => [
    uniqueIndex("users_account_email_unique").on(t.accountId, t.emailIndex),
    // A role filter counts a role's holders from the index alone, and pages them in creation order without
    // sorting them (lib/users/list-query.ts rolePage); Team → Users lists people (not service users).
    index("users_account_role_created_idx").on(t.accountId, t.role, t.createdAt, t.id),
    index("users_account_service_role_created_idx").on(t.accountId, t.isServiceUser, t.role, t.createdAt, t.id),
    uniqueIndex("users_account_idp_subject_index_unique").on(t.accountId, t.idpId, t.idpSubjectIndex),
    index("users_account_created_idx").on(t.accountId, t.createdAt, t.id),
    index("users_account_service_created_idx").on(t.accountId, t.isServiceUser, t.createdAt, t.id),
    // usernames: one person per username in an account (compared after NFKC + case folding).
    uniqueIndex("users_account_username_unique").on(t.accountId, t.usernameIndex),
  ],
);

export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("groups_account_name_unique").on(t.accountId, t.name)],
);

export const userGroups = pgTable(
  "user_groups",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index("user_groups_group_idx").on(t.groupId)],
);

export const invites = pgTable(
  "invites",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    // usernames: null for a link handed over by the admin without an email (the invitee picks a username).
    emailCiphertext: text("email_ciphertext"),
    emailIndex: text("email_index"),
    nameCiphertext: text("name_ciphertext").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    autoGroups: jsonText<string[]>("auto_groups").notNull(),
    tokenDigest: text("token_digest").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    // usernames: the username the admin chose (sealed like users'); null: the invitee picks it on the invite page.
    usernameCiphertext: text("username_ciphertext"),
    usernameIndex: text("username_index"),
  },
  (t) => [
    uniqueIndex("invites_account_email_unique").on(t.accountId, t.emailIndex),
    uniqueIndex("invites_token_digest_unique").on(t.tokenDigest),
    // usernames: a username named by a pending invite is reserved for it.
    uniqueIndex("invites_account_username_unique").on(t.accountId, t.usernameIndex),
  ],
);

export const retiredInviteTokens = pgTable("retired_invite_tokens", {
  tokenDigest: text("token_digest").primaryKey(),
  accountId: text("account_id").notNull(),
  reason: text("reason", { enum: ["replaced", "revoked", "used", "expired"] }).notNull(),
  retiredAt: epochMs("retired_at").notNull(),
});

/**
 * Usernames held back after they stopped being someone's (./schema.sqlite.ts says why).
 */
export const retiredUsernames = pgTable(
  "retired_usernames",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    usernameCiphertext: text("username_ciphertext").notNull(),
    usernameIndex: text("username_index").notNull(),
    /** The user id it belonged to (kept as text: the user may be deleted); they may take it back. */
    formerUserId: text("former_user_id").notNull(),
    retiredAt: epochMs("retired_at").notNull(),
  },
  (t) => [uniqueIndex("retired_usernames_account_username_unique").on(t.accountId, t.usernameIndex), index("retired_usernames_retired_at_idx").on(t.retiredAt)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: epochMs("last_seen_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    /** Before review 17 the browser's user agent and address as they were; null since (the sealed columns below hold them). */
    userAgent: text("user_agent"),
    ip: text("ip"),
    /** The browser's user agent and client address, sealed (lib/crypto/aead.ts; row: the session id). */
    userAgentCiphertext: text("user_agent_ciphertext"),
    ipCiphertext: text("ip_ciphertext"),
    /**
     * How the session was made (lib/sessions/sign-in-method.ts): "password", "passkey", "header", or
     * "oidc:<provider id>" / "ldap:<source id>". Null for sessions made before the column existed.
     * Switching a way in off ends the sessions made through it.
     */
    signInMethod: text("sign_in_method"),
    /**
     * The factor that proved the person besides the first step (lib/sessions/sign-in-method.ts SecondFactor):
     * "totp", "recovery", or "passkey:<credential id>"; for a passwordless passkey sign-in (sign_in_method
     * "passkey") the passkey it was, which is both factors (user verification). Null when there was none (one
     * factor, a factor set up during the sign-in) and for sessions made before the column existed (unknown).
     * The ID token's amr and acr say it (lib/oidc/authentication-context.ts); removing the passkey ends the session.
     */
    secondFactor: text("second_factor"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const accessTokens = pgTable(
  "access_tokens",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenDigest: text("token_digest").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    lastUsedAt: epochMs("last_used_at"),
    // roles: the token's scope (JSON array of permission names); null = all of its owner's.
    permissions: text("permissions"),
    /**
     * The token of the same user that made this one (lib/tokens/personal-tokens.ts), else null. Deleting that
     * token deletes this one: a leaked token can't leave behind a copy that outlives its deletion.
     */
    madeByTokenId: text("made_by_token_id").references((): AnyPgColumn => accessTokens.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("access_tokens_digest_unique").on(t.tokenDigest),
    uniqueIndex("access_tokens_user_name_unique").on(t.userId, t.name),
    // A token's deletion finds the tokens it made (the foreign key's cascade) by this.
    index("access_tokens_made_by_token_id_idx").on(t.madeByTokenId),
  ],
);

/** Append-only through triggers too (drizzle/postgres: the activity_append_only migration). */
export const activityEvents = pgTable(
  "activity_events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    seq: count("seq"),
    occurredAt: epochMs("occurred_at").notNull(),
    action: text("action").notNull(),
    actorType: text("actor_type", { enum: ["user", "token", "system", "anonymous"] }).notNull(),
    actorId: text("actor_id"),
    actorLabelCiphertext: text("actor_label_ciphertext"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabelCiphertext: text("target_label_ciphertext"),
    details: jsonText<Record<string, unknown>>("details"),
    privateDetailsCiphertext: text("private_details_ciphertext"),
    /** Events recorded before review 17: the client address and user agent as they were. Null since (sealed below). */
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** The client address and user agent, sealed (row: the event id); covered by the hash chain (lib/audit/chain.ts). */
    ipCiphertext: text("ip_ciphertext"),
    userAgentCiphertext: text("user_agent_ciphertext"),
    /** The address's blind index (lib/crypto/blind-index.ts addressBlindIndex): the log's search by address. */
    ipIndex: text("ip_index"),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    uniqueIndex("activity_account_seq_unique").on(t.accountId, t.seq),
    index("activity_account_time_idx").on(t.accountId, t.occurredAt, t.seq),
    index("activity_account_action_idx").on(t.accountId, t.action, t.seq),
    index("activity_account_actor_idx").on(t.accountId, t.actorId, t.seq),
    index("activity_account_target_idx").on(t.accountId, t.targetId, t.seq),
    index("activity_account_ip_idx").on(t.accountId, t.ip, t.seq),
    index("activity_account_ip_index_idx").on(t.accountId, t.ipIndex, t.seq),
  ],
);

export const activityAnchors = pgTable("activity_anchors", {
  accountId: text("account_id").primaryKey(),
  firstSeq: count("first_seq").notNull(),
  prevHash: text("prev_hash").notNull(),
  prunedCount: count("pruned_count").notNull().default(0),
  updatedAt: epochMs("updated_at").notNull(),
});

export const signInLockouts = pgTable(
  "sign_in_lockouts",
  {
    accountId: text("account_id").notNull(),
    emailIndex: text("email_index").notNull(),
    windowStartedAt: epochMs("window_started_at").notNull(),
    failures: integer("failures").notNull(),
    lockedUntil: epochMs("locked_until"),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.emailIndex] }), index("sign_in_lockouts_locked_idx").on(t.accountId, t.lockedUntil)],
);

export const signInBackoffs = pgTable(
  "sign_in_backoffs",
  {
    key: text("key").primaryKey(),
    emailIndex: text("email_index"),
    failures: integer("failures").notNull(),
    lastFailureAt: epochMs("last_failure_at").notNull(),
    lastThrottledAt: epochMs("last_throttled_at"),
  },
  (t) => [index("sign_in_backoffs_email_idx").on(t.emailIndex), index("sign_in_backoffs_last_idx").on(t.lastFailureAt)],
);

export const identityProviders = pgTable(
  "identity_providers",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type", { enum: IDP_TYPES }).notNull(),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecretCiphertext: text("client_secret_ciphertext").notNull(),
    scopes: text("scopes").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    signupPolicy: text("signup_policy", { enum: SIGNUP_POLICIES }).notNull().default("open"),
    allowedDomains: jsonText<string[]>("allowed_domains").notNull().default(sql`'[]'`),
    defaultRole: text("default_role", { enum: ROLES }).notNull().default("user"),
    defaultGroups: jsonText<string[]>("default_groups").notNull().default(sql`'[]'`),
    allowLinking: boolean("allow_linking").notNull().default(false),
    allowInternalAddresses: boolean("allow_internal_addresses").notNull().default(false),
    requireApproval: boolean("require_approval").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [uniqueIndex("identity_providers_account_name_unique").on(t.accountId, t.name)],
);

export const ldapSources = pgTable(
  "ldap_sources",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(false),
    url: text("url").notNull(),
    startTls: boolean("start_tls").notNull().default(false),
    tlsCaCertificate: text("tls_ca_certificate"),
    bindDn: text("bind_dn").notNull(),
    bindPasswordCiphertext: text("bind_password_ciphertext"),
    searchBase: text("search_base").notNull(),
    userFilter: text("user_filter").notNull(),
    usernameAttribute: text("username_attribute").notNull(),
    emailAttribute: text("email_attribute").notNull(),
    nameAttribute: text("name_attribute").notNull(),
    groupSearchBase: text("group_search_base"),
    groupFilter: text("group_filter").notNull(),
    groupNameAttribute: text("group_name_attribute").notNull(),
    groupMapping: jsonText<LdapGroupMapping[]>("group_mapping").notNull().default(sql`'[]'`),
    autoCreate: boolean("auto_create").notNull().default(true),
    defaultRole: text("default_role", { enum: ROLES }).notNull().default("user"),
    allowUnencrypted: boolean("allow_unencrypted").notNull().default(false),
    allowInternalAddresses: boolean("allow_internal_addresses").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: epochMs("updated_at").notNull(),
    lastSyncAt: epochMs("last_sync_at"),
    lastSyncOutcome: jsonText<DirectorySyncOutcome>("last_sync_outcome"),
  },
  (t) => [uniqueIndex("ldap_sources_account_unique").on(t.accountId)],
);

export const signInSettings = pgTable("sign_in_settings", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  localLoginEnabled: boolean("local_login_enabled").notNull().default(true),
  headerEnabled: boolean("header_enabled").notNull().default(false),
  headerTrustedRanges: jsonText<string[]>("header_trusted_ranges").notNull().default(sql`'[]'`),
  headerUser: text("header_user").notNull().default("Remote-User"),
  headerEmail: text("header_email"),
  headerName: text("header_name"),
  headerAutoCreate: boolean("header_auto_create").notNull().default(false),
  headerDefaultRole: text("header_default_role", { enum: ROLES }).notNull().default("user"),
  // usernames: whether people may change their own username (Settings → Sign-in; the owner decides).
  usersMayChangeUsername: boolean("users_may_change_username").notNull().default(false),
  updatedAt: epochMs("updated_at").notNull(),
});

// infra: outbox, leases, cache versions, rate limits (lib/data/*, lib/security/rate-limit.ts)

export const outbox = pgTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    payload: jsonText<unknown>("payload").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: epochMs("available_at").notNull(),
    claimedUntil: epochMs("claimed_until"),
    claimId: text("claim_id"),
    lastError: text("last_error"),
    createdAt: epochMs("created_at").notNull(),
    deliveredAt: epochMs("delivered_at"),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    inviteId: text("invite_id").references(() => invites.id, { onDelete: "cascade" }),
  },
  (t) => [index("outbox_due").on(t.status, t.availableAt), index("outbox_user_idx").on(t.userId), index("outbox_invite_idx").on(t.inviteId)],
);

export const leases = pgTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: epochMs("expires_at").notNull(),
});

export const cacheVersions = pgTable("cache_versions", {
  name: text("name").primaryKey(),
  version: integer("version").notNull(),
});

/** rate-limiter-flexible's columns in its order (its upsert inserts by position); expire is epoch ms as a number. */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: count("expire"),
});

// search: the searchable encrypted index of names and emails (lib/data/search-index.ts,
// lib/crypto/search-terms.ts). No plaintext: scopes and entries say which entity of which
// account; terms are truncated HMACs of the normalised n-grams of its fields.

/**
 * One account's index of one kind of entity ("users", "parties"). The small
 * integer id goes into every term row, so a lookup is one range of the terms'
 * primary key that holds only this account's postings.
 */
export const searchScopes = pgTable(
  "search_scopes",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    /**
     * Non-null while the start-up backfill is still indexing the entities that
     * existed before the index (lib/data/search-backfill.ts): the last entity id
     * it indexed, "" before the first batch. Searches fall back until it is null.
     */
    backfillCursor: text("backfill_cursor"),
  },
  (t) => [uniqueIndex("search_scopes_account_scope_unique").on(t.accountId, t.scope)],
);

/** One indexed entity (a user, an activity party). */
export const searchEntries = pgTable(
  "search_entries",
  {
    /** A small integer, so each of the many term rows stores a few bytes, not the entity's UUID. */
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    scopeId: integer("scope_id")
      .notNull()
      .references(() => searchScopes.id, { onDelete: "cascade" }),
    entityId: text("entity_id").notNull(),
  },
  (t) => [uniqueIndex("search_entries_entity_unique").on(t.scopeId, t.entityId)],
);

/**
 * The postings: (scope, term, entry). The primary key answers "entries of this
 * scope holding term T" with one range, and "does entry E hold T" with one
 * seek; the entry index serves re-indexing and removal.
 */
export const searchTerms = pgTable(
  "search_terms",
  {
    scopeId: integer("scope_id").notNull(),
    term: bigint("term", { mode: "number" }).notNull(),
    entryId: integer("entry_id")
      .notNull()
      .references(() => searchEntries.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.scopeId, t.term, t.entryId] }), index("search_terms_entry_idx").on(t.entryId)],
);

/**
 * Postings of recently (re)indexed entries, the same rows as search_terms, in
 * a table that stays small: a write's postings land on a few of its pages
 * instead of ~90 scattered leaves of search_terms (each page a commit writes
 * costs a write-ahead-log frame). lib/data/search-merge.ts moves them into
 * search_terms in sorted batches. An entry's postings are all in one of the
 * two tables, and every search reads both.
 */
export const searchRecentTerms = pgTable(
  "search_recent_terms",
  {
    scopeId: integer("scope_id").notNull(),
    term: bigint("term", { mode: "number" }).notNull(),
    entryId: integer("entry_id")
      .notNull()
      .references(() => searchEntries.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.scopeId, t.term, t.entryId] }), index("search_recent_terms_entry_idx").on(t.entryId)],
);

/**
 * How many users an account has, people and service users apart: kept by
 * lib/users/user-counts.ts in the unit of work that creates or deletes a user,
 * and recounted at start, so a list's total needn't count 100,000 index
 * entries. No row: not counted yet (the list counts the table).
 */
export const userCounts = pgTable(
  "user_counts",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    isServiceUser: boolean("is_service_user").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.isServiceUser] })],
);

// two-factor (issue 14): authenticator apps, recovery codes, the pending second step, enforcement.

export const mfaTotp = pgTable("mfa_totp", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  accountId: text("account_id").notNull(),
  secretCiphertext: text("secret_ciphertext").notNull(),
  confirmedAt: epochMs("confirmed_at"),
  lastUsedStep: count("last_used_step"),
  lastUsedAt: epochMs("last_used_at"),
  createdAt: createdAt(),
});

export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeDigest: text("code_digest").notNull(),
    usedAt: epochMs("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("mfa_recovery_codes_user_digest_unique").on(t.userId, t.codeDigest)],
);

export const mfaPendingSteps = pgTable(
  "mfa_pending_steps",
  {
    tokenDigest: text("token_digest").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    method: text("method").notNull(),
    enrol: boolean("enrol").notNull().default(false),
    verifiedAt: epochMs("verified_at"),
    expiresAt: epochMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("mfa_pending_steps_user_idx").on(t.userId), index("mfa_pending_steps_expires_idx").on(t.expiresAt)],
);

export const mfaPasskeys = pgTable(
  "mfa_passkeys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    credentialId: text("credential_id").notNull(),
    publicKeyCiphertext: text("public_key_ciphertext").notNull(),
    counter: count("counter").notNull().default(0),
    transports: jsonText<string[]>("transports").notNull(),
    nameCiphertext: text("name_ciphertext").notNull(),
    createdAt: createdAt(),
    lastUsedAt: epochMs("last_used_at"),
  },
  (t) => [uniqueIndex("mfa_passkeys_credential_unique").on(t.credentialId), index("mfa_passkeys_user_idx").on(t.userId)],
);

export const mfaWebauthnChallenges = pgTable(
  "mfa_webauthn_challenges",
  {
    challengeDigest: text("challenge_digest").primaryKey(),
    accountId: text("account_id").notNull(),
    purpose: text("purpose").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    bindingDigest: text("binding_digest"),
    expiresAt: epochMs("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("mfa_webauthn_challenges_expires_idx").on(t.expiresAt)],
);

export const mfaPolicies = pgTable("mfa_policies", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  requireFor: text("require_for", { enum: MFA_REQUIREMENTS }).notNull().default("nobody"),
  groupIds: jsonText<string[]>("group_ids").notNull(),
  graceDays: integer("grace_days").notNull().default(0),
  enforcedSince: epochMs("enforced_since").notNull(),
});
export const instanceAppearance = pgTable("instance_appearance", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  name: text("name"),
  logoType: text("logo_type", { enum: LOGO_TYPES }),
  logoData: text("logo_data"),
  logoDigest: text("logo_digest"),
  updatedAt: epochMs("updated_at").notNull(),
});
// roles: custom roles, extra roles per user, roles granted through groups (mirrors schema.sqlite.ts).
export const roles = pgTable(
  "roles",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    permissions: text("permissions").notNull(),
    createdAt: createdAt(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [uniqueIndex("roles_account_name_unique").on(t.accountId, t.name)],
);

export const userRoles = pgTable(
  "user_roles",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: text("role_id").notNull(),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index("user_roles_role_idx").on(t.roleId)],
);

export const groupRoles = pgTable(
  "group_roles",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    roleId: text("role_id").notNull(),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.roleId] }), index("group_roles_role_idx").on(t.roleId)],
);

// operations: owner recovery links (`npm run recover-owner`, lib/users/owner-recovery.ts)
export const ownerRecoveryLinks = pgTable(
  "owner_recovery_links",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenDigest: text("token_digest").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    usedAt: epochMs("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("owner_recovery_links_token_digest_unique").on(t.tokenDigest)],
);

// email: mail settings, password-reset links, email changes waiting for confirmation (lib/mail, lib/users)

export const mailSettings = pgTable("mail_settings", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  host: text("host"),
  port: integer("port").notNull().default(587),
  security: text("security", { enum: MAIL_SECURITY }).notNull().default("starttls"),
  username: text("username"),
  passwordCiphertext: text("password_ciphertext"),
  fromName: text("from_name"),
  fromAddress: text("from_address"),
  publicUrl: text("public_url"),
  noticePasswordChanged: boolean("notice_password_changed").notNull().default(true),
  noticeTwoFactorChanged: boolean("notice_two_factor_changed").notNull().default(true),
  noticeAccessTokenCreated: boolean("notice_access_token_created").notNull().default(true),
  noticeNewBrowser: boolean("notice_new_browser").notNull().default(true),
  updatedAt: epochMs("updated_at").notNull(),
});

export const passwordResets = pgTable(
  "password_resets",
  {
    tokenDigest: text("token_digest").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: epochMs("expires_at").notNull(),
    usedAt: epochMs("used_at"),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

export const emailChanges = pgTable(
  "email_changes",
  {
    tokenDigest: text("token_digest").primaryKey(),
    id: text("id").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    newEmailCiphertext: text("new_email_ciphertext").notNull(),
    newEmailIndex: text("new_email_index").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("email_changes_user_idx").on(t.userId)],
);

export const knownBrowsers = pgTable(
  "known_browsers",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    browserDigest: text("browser_digest").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    firstSeenAt: epochMs("first_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.browserDigest] })],
);

// applications (issue 15): the OIDC provider's clients (see ./schema.sqlite.ts).
export const applications = pgTable(
  "applications",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: APPLICATION_TYPES }).notNull(),
    clientId: text("client_id").notNull(),
    clientSecretDigest: text("client_secret_digest"),
    redirectUris: jsonText<string[]>("redirect_uris").notNull().default(sql`'[]'`),
    postLogoutRedirectUris: jsonText<string[]>("post_logout_redirect_uris").notNull().default(sql`'[]'`),
    restrictedToGroups: boolean("restricted_to_groups").notNull().default(false),
    accessTokenTtlSeconds: integer("access_token_ttl_seconds").notNull().default(600),
    refreshTokenTtlSeconds: integer("refresh_token_ttl_seconds").notNull().default(2592000),
    requireConsent: boolean("require_consent").notNull().default(false),
    idTokenSignedResponseAlg: text("id_token_signed_response_alg", { enum: ID_TOKEN_SIGNING_ALGS }).notNull().default("RS256"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [uniqueIndex("applications_client_id_unique").on(t.clientId), index("applications_account_created_idx").on(t.accountId, t.createdAt)],
);

export const applicationGroups = pgTable(
  "application_groups",
  {
    applicationId: text("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.groupId] }), index("application_groups_group_idx").on(t.groupId)],
);

export const oidcModels = pgTable(
  "oidc_models",
  {
    name: text("name").notNull(),
    id: text("id").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    payloadCiphertext: text("payload_ciphertext").notNull(),
    grantId: text("grant_id"),
    userCode: text("user_code"),
    uid: text("uid"),
    userId: text("user_id"),
    clientId: text("client_id"),
    expiresAt: epochMs("expires_at"),
    consumedAt: epochMs("consumed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.id] }),
    index("oidc_models_grant_idx").on(t.grantId),
    index("oidc_models_user_code_idx").on(t.userCode),
    index("oidc_models_uid_idx").on(t.uid),
    index("oidc_models_user_idx").on(t.accountId, t.userId),
    index("oidc_models_expires_idx").on(t.expiresAt),
  ],
);

export const oidcSigningKeys = pgTable("oidc_signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  privateJwkCiphertext: text("private_jwk_ciphertext").notNull(),
  createdAt: epochMs("created_at").notNull(),
  retiresAt: epochMs("retires_at").notNull(),
  expiresAt: epochMs("expires_at").notNull(),
});
