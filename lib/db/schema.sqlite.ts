/**
 * The database schema. Every row that belongs to an account carries
 * account_id, and every query filters on it. Personal data (email, name) is
 * stored only as ciphertext (see lib/crypto/aead.ts); email lookups use the
 * blind index column.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** Instance-wide key/value facts, such as the encryption key check value. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  createdAt: createdAt(),
});

/** The built-in roles (lib/auth/permissions.ts gives each its permissions); NetBird's network_admin and billing_admin included. */
export const ROLES = ["owner", "admin", "auditor", "user", "network_admin", "billing_admin"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
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
    isBlocked: integer("is_blocked", { mode: "boolean" }).notNull().default(false),
    isServiceUser: integer("is_service_user", { mode: "boolean" }).notNull().default(false),
    /** Null for users without a local password (service users, external identity providers). */
    passwordHash: text("password_hash"),
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    /** Null for local users; the identity provider's id otherwise (an OIDC provider or LDAP source id, or "header"). */
    idpId: text("idp_id"),
    /**
     * The user's stable id at that provider (OIDC "sub", LDAP username, proxy
     * user name; often an email), sealed like email; null until first sign-in.
     * Looked up through idp_subject_index (lib/db/idp-subject.ts).
     */
    idpSubjectCiphertext: text("idp_subject_ciphertext"),
    idpSubjectIndex: text("idp_subject_index"),
    /**
     * Where the subject was kept in plaintext before it was encrypted. Never
     * written: start-up moves any value into the two columns above and
     * empties it (sealPlaintextIdpSubjects).
     */
    idpSubjectPlaintext: text("idp_subject"),
    createdAt: createdAt(),
    lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
    /** Came in through a provider whose new users wait for an admin's approval, and not approved yet. */
    pendingApproval: integer("pending_approval", { mode: "boolean" }).notNull().default(false),
    // usernames: sealed like the name, found by username_index (lib/users/username.ts). Nullable only
    // until start-up derives one for rows from before usernames (lib/users/username-backfill.ts).
    usernameCiphertext: text("username_ciphertext"),
    usernameIndex: text("username_index"),
    /** The language mail to this person is written in ("en", "de"): their last choice, or null for the instance's (lib/mail/language.ts). */
    locale: text("locale"),
    /**
     * When the email was proven (a link mailed to it was followed) or vouched for by someone who could
     * have set it directly (an admin; an invite whose inviter may create people); null when unproven or
     * no email. What the OIDC provider states as email_verified (lib/users/records.ts sealEmail says which roads prove it).
     */
    emailVerifiedAt: integer("email_verified_at", { mode: "timestamp_ms" }),
    /**
     * When the directory check (lib/idp/ldap/directory-sync.ts) found the person's entry gone or outside the
     * user filter and blocked them; null otherwise. Their next successful directory sign-in lifts that block.
     */
    directorySuspendedAt: integer("directory_suspended_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("users_account_email_unique").on(t.accountId, t.emailIndex),
    // A role filter counts a role's holders from the index alone, and pages them in creation order without
    // sorting them (lib/users/list-query.ts rolePage); Team → Users lists people (not service users).
    index("users_account_role_created_idx").on(t.accountId, t.role, t.createdAt, t.id),
    index("users_account_service_role_created_idx").on(t.accountId, t.isServiceUser, t.role, t.createdAt, t.id),
    uniqueIndex("users_account_idp_subject_index_unique").on(t.accountId, t.idpId, t.idpSubjectIndex),
    // search: lists page in creation order (lib/users/list-query.ts) without sorting the account's users,
    // and count people or service users (Team → Users, Service Users) from the index alone.
    index("users_account_created_idx").on(t.accountId, t.createdAt, t.id),
    index("users_account_service_created_idx").on(t.accountId, t.isServiceUser, t.createdAt, t.id),
    // usernames: one person per username in an account (compared after NFKC + case folding).
    uniqueIndex("users_account_username_unique").on(t.accountId, t.usernameIndex),
  ],
);

export const groups = sqliteTable(
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

/** Group membership: a user's "auto_groups" in the API. */
export const userGroups = sqliteTable(
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

/** Pending invitations. The row goes when the invite is accepted or deleted. */
export const invites = sqliteTable(
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
    autoGroups: text("auto_groups", { mode: "json" }).$type<string[]>().notNull(),
    /** SHA-256 (hex) of the current link's token; regenerating replaces it. */
    tokenDigest: text("token_digest").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** The inviting user's id (kept as text: the invite outlives a deleted inviter). */
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

/**
 * Digests of invite links that no longer work, with why, so the /invite page
 * can say "already used" or "replaced by a newer link" instead of "unknown".
 */
export const retiredInviteTokens = sqliteTable("retired_invite_tokens", {
  tokenDigest: text("token_digest").primaryKey(),
  accountId: text("account_id").notNull(),
  reason: text("reason", { enum: ["replaced", "revoked", "used", "expired"] }).notNull(),
  retiredAt: integer("retired_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Usernames that stopped being someone's (the person deleted, or renamed to another username): for
 * lib/users/retired-usernames.ts's holding period nobody but the former holder may take one, so an app that keys
 * accounts on preferred_username doesn't hand the old person's account to a newcomer. Sealed like users'
 * usernames and found by the same blind index (never in the clear); the sealed value is kept only so a key
 * rotation can recompute the index (lib/ops/encrypted-columns.ts).
 */
export const retiredUsernames = sqliteTable(
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
    retiredAt: integer("retired_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("retired_usernames_account_username_unique").on(t.accountId, t.usernameIndex), index("retired_usernames_retired_at_idx").on(t.retiredAt)],
);

export const sessions = sqliteTable(
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
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
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

export const accessTokens = sqliteTable(
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
    /** SHA-256 (hex) of the plain token; the plain token is never stored. */
    tokenDigest: text("token_digest").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** Who created it: a user id (kept as text so the token outlives its creator's row). */
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    // roles: the token's scope, a JSON array of permission names; null = all of its owner's.
    permissions: text("permissions"),
    /**
     * The token of the same user that made this one (lib/tokens/personal-tokens.ts), else null. Deleting that
     * token deletes this one: a leaked token can't leave behind a copy that outlives its deletion.
     */
    madeByTokenId: text("made_by_token_id").references((): AnySQLiteColumn => accessTokens.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("access_tokens_digest_unique").on(t.tokenDigest),
    uniqueIndex("access_tokens_user_name_unique").on(t.userId, t.name),
    // A token's deletion finds the tokens it made (the foreign key's cascade) by this.
    index("access_tokens_made_by_token_id_idx").on(t.madeByTokenId),
  ],
);

/**
 * The activity log. Append-only: database triggers (drizzle/sqlite/0005_activity_append_only.sql)
 * refuse every UPDATE of a sealed row and every DELETE above the account's
 * retention anchor. Rows form a hash chain per account in `seq` order: `hash`
 * is an HMAC over the row's content and `prev_hash` (lib/audit/chain.ts).
 */
export const activityEvents = sqliteTable(
  "activity_events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    /** Position in the account's chain: 1, 2, 3… with no gaps (retention removes only the oldest). */
    seq: integer("seq"),
    /** Never earlier than the previous event's time, so seq order is time order. */
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    action: text("action").notNull(),
    actorType: text("actor_type", { enum: ["user", "token", "system", "anonymous"] }).notNull(),
    actorId: text("actor_id"),
    /** Encrypted display label (name or email), so the event stays readable after the actor is deleted. */
    actorLabelCiphertext: text("actor_label_ciphertext"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabelCiphertext: text("target_label_ciphertext"),
    /** Non-personal detail (reason codes, changed field names), as JSON. */
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Detail that contains personal data (an old and new email, say), as encrypted JSON. */
    privateDetailsCiphertext: text("private_details_ciphertext"),
    /** Events recorded before review 17: the client address and user agent as they were. Null since (sealed below). */
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** The client address and user agent, sealed (row: the event id); covered by the hash chain (lib/audit/chain.ts). */
    ipCiphertext: text("ip_ciphertext"),
    userAgentCiphertext: text("user_agent_ciphertext"),
    /** The address's blind index (lib/crypto/blind-index.ts addressBlindIndex): the log's search by address. */
    ipIndex: text("ip_index"),
    /** The previous event's hash (or the retention anchor's, or the genesis value). */
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

/**
 * Where an account's chain starts after retention pruned its oldest events:
 * the first seq still kept and the hash it chains to. Events below first_seq
 * may be deleted; nothing else may (see the triggers).
 */
export const activityAnchors = sqliteTable("activity_anchors", {
  accountId: text("account_id").primaryKey(),
  firstSeq: integer("first_seq").notNull(),
  prevHash: text("prev_hash").notNull(),
  prunedCount: integer("pruned_count").notNull().default(0),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * The per-email daily cap on failed sign-ins (lib/security/sign-in-throttle.ts).
 * Keyed by the email's blind index, for unknown emails too, so a lock looks
 * the same whether or not the email belongs to someone.
 */
export const signInLockouts = sqliteTable(
  "sign_in_lockouts",
  {
    accountId: text("account_id").notNull(),
    emailIndex: text("email_index").notNull(),
    windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
    failures: integer("failures").notNull(),
    /** Set when failures reach the cap; the lock ends then, or when an admin unlocks. */
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.emailIndex] }), index("sign_in_lockouts_locked_idx").on(t.accountId, t.lockedUntil)],
);

/**
 * Growing delays between failed sign-ins, per (email, client address) pair and
 * per client address. Instance-wide rather than per account: they guard the
 * sign-in form before anyone is known. Keys are HMACs, never the raw email.
 */
export const signInBackoffs = sqliteTable(
  "sign_in_backoffs",
  {
    key: text("key").primaryKey(),
    /** The email's blind index for pair keys (so an unlock can clear them), null for address keys. */
    emailIndex: text("email_index"),
    failures: integer("failures").notNull(),
    lastFailureAt: integer("last_failure_at", { mode: "timestamp_ms" }).notNull(),
    /** When a refused (must wait) attempt was last written to the activity log: once per wait, not once per request. */
    lastThrottledAt: integer("last_throttled_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("sign_in_backoffs_email_idx").on(t.emailIndex), index("sign_in_backoffs_last_idx").on(t.lastFailureAt)],
);

export const IDP_TYPES = ["google", "microsoft", "okta", "oidc"] as const;
export type IdpType = (typeof IDP_TYPES)[number];

/** Who may come in through a provider the first time: anyone, verified emails of allowed domains, or only existing users. */
export const SIGNUP_POLICIES = ["open", "domains", "existing"] as const;
export type SignupPolicy = (typeof SIGNUP_POLICIES)[number];

/** OpenID Connect providers, configured in Settings → Identity Providers. */
export const identityProviders = sqliteTable(
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
    /** AEAD-sealed (bound to this row); never returned by any API. */
    clientSecretCiphertext: text("client_secret_ciphertext").notNull(),
    scopes: text("scopes").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    signupPolicy: text("signup_policy", { enum: SIGNUP_POLICIES }).notNull().default("open"),
    allowedDomains: text("allowed_domains", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    defaultRole: text("default_role", { enum: ROLES }).notNull().default("user"),
    defaultGroups: text("default_groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    allowLinking: integer("allow_linking", { mode: "boolean" }).notNull().default(false),
    /** Whether discovery and token calls may go to loopback addresses (a provider on this machine). */
    allowInternalAddresses: integer("allow_internal_addresses", { mode: "boolean" }).notNull().default(false),
    /** New people signing in through it wait for an admin's approval before they can use Latchkey. */
    requireApproval: integer("require_approval", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("identity_providers_account_name_unique").on(t.accountId, t.name)],
);

export type LdapGroupMapping = { ldap_group: string; group_id: string };
/**
 * What the periodic directory check's last run came to (lib/idp/ldap/directory-sync.ts): done (with counts),
 * unavailable (the directory couldn't be asked: nobody changed) or guarded (it would have blocked too many
 * people at once: nobody changed). `message`: the reason in English, for logs and the API.
 */
export type DirectorySyncOutcome = {
  status: "done" | "unavailable" | "guarded";
  checked: number;
  missing: number;
  suspended: number;
  groups_updated: number;
  /** People the check couldn't match to the directory's answer reliably, left as they are (absent before it counted them). */
  not_checked?: number;
  /** The owner's entry is gone: the owner is never blocked, an admin has to look (absent before it was recorded). */
  owner_entry_gone?: boolean;
  message?: string;
};

/** The account's LDAP / Active Directory source (at most one per account). */
export const ldapSources = sqliteTable(
  "ldap_sources",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    url: text("url").notNull(),
    startTls: integer("start_tls", { mode: "boolean" }).notNull().default(false),
    /** The directory's CA certificate(s), PEM, that TLS trusts instead of the usual authorities; null: the usual ones. */
    tlsCaCertificate: text("tls_ca_certificate"),
    bindDn: text("bind_dn").notNull(),
    /** AEAD-sealed (bound to this row); never returned by any API. */
    bindPasswordCiphertext: text("bind_password_ciphertext"),
    searchBase: text("search_base").notNull(),
    userFilter: text("user_filter").notNull(),
    usernameAttribute: text("username_attribute").notNull(),
    emailAttribute: text("email_attribute").notNull(),
    nameAttribute: text("name_attribute").notNull(),
    groupSearchBase: text("group_search_base"),
    groupFilter: text("group_filter").notNull(),
    groupNameAttribute: text("group_name_attribute").notNull(),
    groupMapping: text("group_mapping", { mode: "json" }).$type<LdapGroupMapping[]>().notNull().default(sql`'[]'`),
    autoCreate: integer("auto_create", { mode: "boolean" }).notNull().default(true),
    defaultRole: text("default_role", { enum: ROLES }).notNull().default("user"),
    /** The owner's explicit choice to send the bind password over plain ldap:// (no TLS, no StartTLS). */
    allowUnencrypted: integer("allow_unencrypted", { mode: "boolean" }).notNull().default(false),
    /** Whether the server may be on a loopback address (a directory on this machine). */
    allowInternalAddresses: integer("allow_internal_addresses", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    /** The periodic directory check's last run (lib/idp/ldap/directory-sync.ts) and what came of it. */
    lastSyncAt: integer("last_sync_at", { mode: "timestamp_ms" }),
    lastSyncOutcome: text("last_sync_outcome", { mode: "json" }).$type<DirectorySyncOutcome>(),
  },
  (t) => [uniqueIndex("ldap_sources_account_unique").on(t.accountId)],
);

/** Per-account sign-in settings: the local password form and trusted proxy header authentication. */
export const signInSettings = sqliteTable("sign_in_settings", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  localLoginEnabled: integer("local_login_enabled", { mode: "boolean" }).notNull().default(true),
  headerEnabled: integer("header_enabled", { mode: "boolean" }).notNull().default(false),
  headerTrustedRanges: text("header_trusted_ranges", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  headerUser: text("header_user").notNull().default("Remote-User"),
  headerEmail: text("header_email"),
  headerName: text("header_name"),
  headerAutoCreate: integer("header_auto_create", { mode: "boolean" }).notNull().default(false),
  headerDefaultRole: text("header_default_role", { enum: ROLES }).notNull().default("user"),
  // usernames: whether people may change their own username (Settings → Sign-in; the owner decides).
  usersMayChangeUsername: integer("users_may_change_username", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

// infra: outbox, leases, cache versions, rate limits (lib/data/*, lib/security/rate-limit.ts)

export const OUTBOX_STATUSES = ["pending", "delivered", "failed"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Work that leaves the process (mail, webhooks), written in the unit of work
 * that causes it and delivered after commit by lib/data/outbox.ts. A row is
 * claimed (claimed_until, claim_id) while one process delivers it; a claim
 * that expires is picked up again, so a crash loses nothing.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    /** Tries so far (a claim counts as a try: a process that dies mid-delivery used one). */
    attempts: integer("attempts").notNull().default(0),
    /** When the next try is due (now at enqueue, later after a failure: back-off). */
    availableAt: integer("available_at", { mode: "timestamp_ms" }).notNull(),
    claimedUntil: integer("claimed_until", { mode: "timestamp_ms" }),
    claimId: text("claim_id"),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    /**
     * The person (or the invite) a message is for: it goes with them (review 31), sent or not, so nothing is
     * sent to someone deleted or rejected, or for an invite that was withdrawn. Null: for nobody kept (a test email).
     */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    inviteId: text("invite_id").references(() => invites.id, { onDelete: "cascade" }),
  },
  (t) => [index("outbox_due").on(t.status, t.availableAt), index("outbox_user_idx").on(t.userId), index("outbox_invite_idx").on(t.inviteId)],
);

/** Named leases: which process may run a background job now, until when (lib/data/lease.ts). */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});

/** A counter per cached thing, bumped in the unit of work that changes it (lib/data/cache-version.ts). */
export const cacheVersions = sqliteTable("cache_versions", {
  name: text("name").primaryKey(),
  version: integer("version").notNull(),
});

/**
 * rate-limiter-flexible's store (RateLimiterSQLite / RateLimiterPostgres with
 * tableCreated): its own columns, in its order (its PostgreSQL upsert inserts
 * by position). key is "<limit name>:<key>"; expire in epoch milliseconds.
 */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: integer("expire"),
});

// search: the searchable encrypted index of names and emails (lib/data/search-index.ts,
// lib/crypto/search-terms.ts). No plaintext: scopes and entries say which entity of which
// account; terms are truncated HMACs of the normalised n-grams of its fields.

/**
 * One account's index of one kind of entity ("users", "parties"). The small
 * integer id goes into every term row, so a lookup is one range of the terms'
 * primary key that holds only this account's postings.
 */
export const searchScopes = sqliteTable(
  "search_scopes",
  {
    id: integer("id").primaryKey(),
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
export const searchEntries = sqliteTable(
  "search_entries",
  {
    /** A small integer, so each of the many term rows stores a few bytes, not the entity's UUID. */
    id: integer("id").primaryKey(),
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
export const searchTerms = sqliteTable(
  "search_terms",
  {
    scopeId: integer("scope_id").notNull(),
    term: integer("term").notNull(),
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
export const searchRecentTerms = sqliteTable(
  "search_recent_terms",
  {
    scopeId: integer("scope_id").notNull(),
    term: integer("term").notNull(),
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
export const userCounts = sqliteTable(
  "user_counts",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    isServiceUser: integer("is_service_user", { mode: "boolean" }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.isServiceUser] })],
);

// roles: custom roles (permission sets), extra roles per user, roles granted through groups.
/** A custom role of the account. Built-in roles are code (lib/auth/permissions.ts), not rows. */
export const roles = sqliteTable(
  "roles",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** JSON array of permission names (`users:read` …), sorted. */
    permissions: text("permissions").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("roles_account_name_unique").on(t.accountId, t.name)],
);

/** Roles a user holds besides their primary role (users.role); role_id is a built-in name or a roles.id. */
export const userRoles = sqliteTable(
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

/** Roles a group grants to its members while they are members. */
export const groupRoles = sqliteTable(
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

export type RoleRow = typeof roles.$inferSelect;

export type UserRow = typeof users.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type AccessTokenRow = typeof accessTokens.$inferSelect;
export type IdentityProviderRow = typeof identityProviders.$inferSelect;
export type LdapSourceRow = typeof ldapSources.$inferSelect;
export type SignInSettingsRow = typeof signInSettings.$inferSelect;

// two-factor (issue 14): authenticator apps, recovery codes, the pending second step, enforcement.

/** A user's authenticator app (TOTP). confirmed_at is null while set-up waits for the first valid code. */
export const mfaTotp = sqliteTable("mfa_totp", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  accountId: text("account_id").notNull(),
  /** The base32 secret, sealed like email (lib/crypto/aead.ts; table mfa_totp, column secret, row = user id). */
  secretCiphertext: text("secret_ciphertext").notNull(),
  confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
  /** The last accepted time step: a code is accepted once, and never an older one. */
  lastUsedStep: integer("last_used_step"),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
});

/** Single-use recovery codes, stored only as keyed digests (lib/mfa/recovery-codes.ts). */
export const mfaRecoveryCodes = sqliteTable(
  "mfa_recovery_codes",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeDigest: text("code_digest").notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("mfa_recovery_codes_user_digest_unique").on(t.userId, t.codeDigest)],
);

/**
 * A password step that succeeded and waits for its second step. The browser
 * holds the token in an HttpOnly cookie; only its digest is stored. Single use, short-lived.
 */
export const mfaPendingSteps = sqliteTable(
  "mfa_pending_steps",
  {
    /** SHA-256 (hex) of the cookie's token. */
    tokenDigest: text("token_digest").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** How the first step was passed ("password", "ldap"): recorded on the sign-in event. */
    method: text("method").notNull(),
    /** The person must set up a second factor before the session (enforcement, lib/mfa/policy.ts). */
    enrol: integer("enrol", { mode: "boolean" }).notNull().default(false),
    /** When the second factor was proven: only then may the session be created, once. */
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("mfa_pending_steps_user_idx").on(t.userId), index("mfa_pending_steps_expires_idx").on(t.expiresAt)],
);

/**
 * Passkeys (WebAuthn credentials) a user registered (lib/mfa/passkeys.ts). The public key
 * is not secret but is sealed all the same (AEAD binds it to this row: a database write
 * alone can't plant a key); the name the person gave it is personal data, sealed like names.
 */
export const mfaPasskeys = sqliteTable(
  "mfa_passkeys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The authenticator's credential id, base64url: what an assertion names. */
    credentialId: text("credential_id").notNull(),
    /** The COSE public key, base64url, sealed (table mfa_passkeys, column public_key, row = id). */
    publicKeyCiphertext: text("public_key_ciphertext").notNull(),
    /** The signature counter last seen: an assertion with a lower one (a cloned key) is refused. */
    counter: integer("counter").notNull().default(0),
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull(),
    /** The person's name for it ("YubiKey", "Work laptop"), sealed (column name, row = id). */
    nameCiphertext: text("name_ciphertext").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("mfa_passkeys_credential_unique").on(t.credentialId), index("mfa_passkeys_user_idx").on(t.userId)],
);

/**
 * WebAuthn challenges waiting for their answer: single use (deleted when answered), five minutes,
 * and bound to what asked for them: the signed-in user (registering), the pending second step,
 * or the browser's passkey cookie (passwordless). Looked up by the challenge's digest.
 */
export const mfaWebauthnChallenges = sqliteTable(
  "mfa_webauthn_challenges",
  {
    challengeDigest: text("challenge_digest").primaryKey(),
    accountId: text("account_id").notNull(),
    /** "register", "second_step" or "passwordless". */
    purpose: text("purpose").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Digest of the pending step's token (second_step) or of the browser's passkey cookie (passwordless). */
    bindingDigest: text("binding_digest"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("mfa_webauthn_challenges_expires_idx").on(t.expiresAt)],
);

export const MFA_REQUIREMENTS = ["nobody", "admins", "everyone", "groups"] as const;
export type MfaRequirement = (typeof MFA_REQUIREMENTS)[number];

/** Settings → Security: who must use two-factor sign-in. One row per account; none means nobody. */
export const mfaPolicies = sqliteTable("mfa_policies", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  requireFor: text("require_for", { enum: MFA_REQUIREMENTS }).notNull().default("nobody"),
  groupIds: text("group_ids", { mode: "json" }).$type<string[]>().notNull(),
  graceDays: integer("grace_days").notNull().default(0),
  /** When the current requirement was set: the grace period counts from here. */
  enforcedSince: integer("enforced_since", { mode: "timestamp_ms" }).notNull(),
});

// appearance: the instance's name and logo (Settings → Appearance, lib/appearance, read through lib/instance/branding.ts)

export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** Settings → Appearance: one row per account; none (or null columns) means the defaults. */
export const instanceAppearance = sqliteTable("instance_appearance", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  /** Null: the default name. */
  name: text("name"),
  /** Decided from the file's first bytes, never from what the client said. */
  logoType: text("logo_type", { enum: LOGO_TYPES }),
  /** The image, base64 (the same text in both dialects); at most 256 KiB decoded. */
  logoData: text("logo_data"),
  /** SHA-256 of the image (hex): its ETag and the cache-busting part of its URL. */
  logoDigest: text("logo_digest"),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

// operations: owner recovery links (`npm run recover-owner`, lib/users/owner-recovery.ts)
/** One-time links that let a locked-out owner set a new password; only the token's digest is kept. */
export const ownerRecoveryLinks = sqliteTable(
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
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("owner_recovery_links_token_digest_unique").on(t.tokenDigest)],
);

// email: mail settings, password-reset links, email changes waiting for confirmation (lib/mail, lib/users)

export const MAIL_SECURITY = ["none", "starttls", "tls"] as const;
export type MailSecurity = (typeof MAIL_SECURITY)[number];

/** The account's mail server and notices (Settings → Email); SMTP_URL / SMTP_FROM / PUBLIC_URL in the environment win. */
export const mailSettings = sqliteTable("mail_settings", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  host: text("host"),
  port: integer("port").notNull().default(587),
  security: text("security", { enum: MAIL_SECURITY }).notNull().default("starttls"),
  username: text("username"),
  /** Sealed (lib/crypto/aead.ts, row id = account id); never returned, only replaced. */
  passwordCiphertext: text("password_ciphertext"),
  fromName: text("from_name"),
  fromAddress: text("from_address"),
  /** The address people reach this instance at: links in mail start with it (never with a request's Host). */
  publicUrl: text("public_url"),
  noticePasswordChanged: integer("notice_password_changed", { mode: "boolean" }).notNull().default(true),
  noticeTwoFactorChanged: integer("notice_two_factor_changed", { mode: "boolean" }).notNull().default(true),
  noticeAccessTokenCreated: integer("notice_access_token_created", { mode: "boolean" }).notNull().default(true),
  noticeNewBrowser: integer("notice_new_browser", { mode: "boolean" }).notNull().default(true),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Single-use links that set a new password (forgot password, an admin's "Send reset link"); stored as the token's digest. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenDigest: text("token_digest").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** A new email address waiting for its owner to confirm it from the mail sent to it (sealed, with its blind index). */
export const emailChanges = sqliteTable(
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
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("email_changes_user_idx").on(t.userId)],
);

/** The browsers (name and system, no versions) a person has signed in from, as digests: a new one gets a security notice. */
export const knownBrowsers = sqliteTable(
  "known_browsers",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    browserDigest: text("browser_digest").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    firstSeenAt: integer("first_seen_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.browserDigest] })],
);

export type MailSettingsRow = typeof mailSettings.$inferSelect;

// applications (issue 15): other apps and CLIs that sign people in through Latchkey (the OIDC provider's clients).
export const APPLICATION_TYPES = ["web", "spa", "device"] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
/** The algorithms an application's ID tokens may be signed with (the provider holds one key of each). */
export const ID_TOKEN_SIGNING_ALGS = ["RS256", "ES256"] as const;
export type IdTokenSigningAlg = (typeof ID_TOKEN_SIGNING_ALGS)[number];

/** A registered OIDC client. Only web apps have a secret, kept as its SHA-256 digest (shown once, like access tokens). */
export const applications = sqliteTable(
  "applications",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: APPLICATION_TYPES }).notNull(),
    /** The OAuth client_id: public, random ("lka_…"), unique across the instance. */
    clientId: text("client_id").notNull(),
    clientSecretDigest: text("client_secret_digest"),
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    postLogoutRedirectUris: text("post_logout_redirect_uris", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /**
     * True once the app was limited to groups: with every allowed group deleted (the links cascade)
     * nobody may sign in, rather than everyone.
     */
    restrictedToGroups: integer("restricted_to_groups", { mode: "boolean" }).notNull().default(false),
    accessTokenTtlSeconds: integer("access_token_ttl_seconds").notNull().default(600),
    refreshTokenTtlSeconds: integer("refresh_token_ttl_seconds").notNull().default(2592000),
    requireConsent: integer("require_consent", { mode: "boolean" }).notNull().default(false),
    /** How its ID tokens are signed: RS256 (the OpenID default every app verifies) or ES256. */
    idTokenSignedResponseAlg: text("id_token_signed_response_alg", { enum: ID_TOKEN_SIGNING_ALGS }).notNull().default("RS256"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("applications_client_id_unique").on(t.clientId), index("applications_account_created_idx").on(t.accountId, t.createdAt)],
);

/** The groups whose members may sign in to an application (none, and not restricted: everyone). */
export const applicationGroups = sqliteTable(
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

export type ApplicationRow = typeof applications.$inferSelect;

// OpenID Connect provider (issue 15): oidc-provider's models and its signing keys (lib/oidc).

/**
 * oidc-provider's stored models (sessions, interactions, grants, codes, tokens,
 * device codes), one row each. `id`, `uid` and `user_code` hold SHA-256
 * digests of the provider's values (a token's id is the token), never the
 * values; the payload is sealed (lib/crypto/aead.ts; table oidc_models,
 * column payload, row = "<name>:<id digest>"). user_id and client_id are
 * plain ids, kept so revocation can find a person's or an app's grants.
 */
export const oidcModels = sqliteTable(
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
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    consumedAt: integer("consumed_at", { mode: "timestamp_ms" }),
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

/**
 * The provider's signing keys (ES256 and RS256). The private JWK is sealed
 * (table oidc_signing_keys, column private_jwk, row = kid). A key signs until
 * retired_at, then stays published in the JWKS until expires_at (longer than
 * any token it signed lives), then it is deleted.
 */
export const oidcSigningKeys = sqliteTable("oidc_signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  privateJwkCiphertext: text("private_jwk_ciphertext").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  retiresAt: integer("retires_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});
