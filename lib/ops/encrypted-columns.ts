/**
 * The one list of everything sealed with the encryption key (lib/crypto/aead.ts)
 * and of the blind indexes computed from it: which table and column, how the
 * value's associated data is formed (the table and column names it was
 * sealed under, and which column gives the row id), and which index columns
 * follow from the plaintext. Key rotation (./key-rotation.ts) walks it, and
 * ./encrypted-columns.test.ts fails when a schema gains a `*_ciphertext` or
 * `*_index` column that is not listed here: a value the rotation doesn't know
 * would stay under the old key and be lost with it.
 */
import "server-only";
import { addressBlindIndex, emailBlindIndex, idpSubjectBlindIndex, usernameBlindIndex } from "@/lib/crypto/blind-index";

export type EncryptedColumn = {
  /** Database table and column holding "<keyId>.<sealed>" (or NULL). */
  table: string;
  column: string;
  /** The associated data the value is sealed under: FieldContext's table and column, and the row id's column. */
  aad: { table: string; column: string };
  /** The row id's column, or columns whose values joined by ":" form it (composite keys). */
  rowIdColumn: string | readonly string[];
  /** Other columns of the row the blind indexes need (besides the plaintext). */
  extraColumns?: string[];
  /** Blind-index columns recomputed from the plaintext under the current key. */
  indexes?: Array<{ column: string; compute(plain: string, row: Record<string, unknown>): string; signInIdentifier?: boolean }>;
  /**
   * Sealed into the activity log's hash chain: rewritten only together with
   * the chain (./key-rotation.ts re-seals it), never column by column.
   */
  chained?: boolean;
};

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: "users",
    column: "email_ciphertext",
    aad: { table: "users", column: "email" },
    rowIdColumn: "id",
    indexes: [{ column: "email_index", compute: (plain) => emailBlindIndex(plain), signInIdentifier: true }],
  },
  { table: "users", column: "name_ciphertext", aad: { table: "users", column: "name" }, rowIdColumn: "id" },
  {
    table: "users",
    column: "username_ciphertext",
    aad: { table: "users", column: "username" },
    rowIdColumn: "id",
    indexes: [{ column: "username_index", compute: (plain) => usernameBlindIndex(plain), signInIdentifier: true }],
  },
  {
    table: "users",
    column: "idp_subject_ciphertext",
    aad: { table: "users", column: "idp_subject" },
    rowIdColumn: "id",
    extraColumns: ["idp_id"],
    indexes: [{ column: "idp_subject_index", compute: (plain, row) => idpSubjectBlindIndex(String(row.idp_id), plain) }],
  },
  {
    table: "invites",
    column: "email_ciphertext",
    aad: { table: "invites", column: "email" },
    rowIdColumn: "id",
    indexes: [{ column: "email_index", compute: (plain) => emailBlindIndex(plain) }],
  },
  { table: "invites", column: "name_ciphertext", aad: { table: "invites", column: "name" }, rowIdColumn: "id" },
  {
    table: "invites",
    column: "username_ciphertext",
    aad: { table: "invites", column: "username" },
    rowIdColumn: "id",
    indexes: [{ column: "username_index", compute: (plain) => usernameBlindIndex(plain) }],
  },
  // Usernames held back after a deletion or rename (lib/users/retired-usernames.ts): sealed only so the index follows the key.
  {
    table: "retired_usernames",
    column: "username_ciphertext",
    aad: { table: "retired_usernames", column: "username" },
    rowIdColumn: "id",
    indexes: [{ column: "username_index", compute: (plain) => usernameBlindIndex(plain) }],
  },
  {
    table: "email_changes",
    column: "new_email_ciphertext",
    aad: { table: "email_changes", column: "new_email" },
    rowIdColumn: "id",
    indexes: [{ column: "new_email_index", compute: (plain) => emailBlindIndex(plain) }],
  },
  { table: "mfa_totp", column: "secret_ciphertext", aad: { table: "mfa_totp", column: "secret" }, rowIdColumn: "user_id" },
  { table: "mfa_passkeys", column: "public_key_ciphertext", aad: { table: "mfa_passkeys", column: "public_key" }, rowIdColumn: "id" },
  { table: "mfa_passkeys", column: "name_ciphertext", aad: { table: "mfa_passkeys", column: "name" }, rowIdColumn: "id" },
  { table: "mail_settings", column: "password_ciphertext", aad: { table: "mail_settings", column: "password" }, rowIdColumn: "account_id" },
  {
    table: "identity_providers",
    column: "client_secret_ciphertext",
    aad: { table: "identity_providers", column: "client_secret" },
    rowIdColumn: "id",
  },
  { table: "ldap_sources", column: "bind_password_ciphertext", aad: { table: "ldap_sources", column: "bind_password" }, rowIdColumn: "id" },
  // The OpenID provider's sessions, grants, codes and tokens (lib/oidc/adapter.ts), sealed under "<model>:<id digest>".
  { table: "oidc_models", column: "payload_ciphertext", aad: { table: "oidc_models", column: "payload" }, rowIdColumn: ["name", "id"] },
  { table: "oidc_signing_keys", column: "private_jwk_ciphertext", aad: { table: "oidc_signing_keys", column: "private_jwk" }, rowIdColumn: "kid" },
  { table: "activity_events", column: "actor_label_ciphertext", aad: { table: "activity_events", column: "actor_label" }, rowIdColumn: "id", chained: true },
  { table: "activity_events", column: "target_label_ciphertext", aad: { table: "activity_events", column: "target_label" }, rowIdColumn: "id", chained: true },
  {
    table: "activity_events",
    column: "private_details_ciphertext",
    aad: { table: "activity_events", column: "private_details" },
    rowIdColumn: "id",
    chained: true,
  },
  // review 17: the client address (with its search index) and user agent; lib/ops/chain-reseal.ts re-seals both and recomputes the index.
  {
    table: "activity_events",
    column: "ip_ciphertext",
    aad: { table: "activity_events", column: "ip" },
    rowIdColumn: "id",
    indexes: [{ column: "ip_index", compute: (plain) => addressBlindIndex(plain) }],
    chained: true,
  },
  { table: "activity_events", column: "user_agent_ciphertext", aad: { table: "activity_events", column: "user_agent" }, rowIdColumn: "id", chained: true },
  { table: "sessions", column: "ip_ciphertext", aad: { table: "sessions", column: "ip" }, rowIdColumn: "id" },
  { table: "sessions", column: "user_agent_ciphertext", aad: { table: "sessions", column: "user_agent" }, rowIdColumn: "id" },
];

/**
 * Sealed values inside a JSON column: the outbox's mail payload
 * (lib/mail/delivery.ts) holds `envelope` and `body`, each sealed with the
 * payload's `mailId` as row id and `mail_<field>` as column.
 */
export const ENCRYPTED_JSON_FIELDS = {
  table: "outbox",
  column: "payload",
  topic: "mail",
  rowIdField: "mailId",
  fields: [
    { field: "envelope", aad: { table: "outbox", column: "mail_envelope" } },
    { field: "body", aad: { table: "outbox", column: "mail_body" } },
  ],
} as const;

/** The key check value (lib/db/key-check.ts): meta row `encryption_key_check`, rewritten last. */
export const KEY_CHECK_VALUE = { table: "meta", column: "value", key: "encryption_key_check" } as const;

/**
 * Blind indexes that are not next to their plaintext: the sign-in throttle's
 * rows (lib/security/sign-in-throttle.ts) are keyed by an identifier's index,
 * known or not. A rotation carries the rows of known emails and usernames to
 * the new index (it sees both); the rest are short-lived and expire.
 */
export const THROTTLE_INDEX_COLUMNS = [
  { table: "sign_in_lockouts", column: "email_index" },
  { table: "sign_in_backoffs", column: "email_index" },
] as const;
