/** Two-factor limits, shared by the schemas (./passkey-records.ts) and the forms' hints (no server code here). */

/** The longest name a passkey may have ("Work laptop", "YubiKey"). */
export const PASSKEY_NAME_MAX = 64;
