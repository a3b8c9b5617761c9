/** Bounds of a token's name and lifetime, shared by the schema and the form (no server code here). */
export const TOKEN_NAME_MAX_LENGTH = 100;
export const TOKEN_EXPIRY_DAYS = { min: 1, max: 365, default: 30 } as const;
/** The most unexpired access tokens one user (a person or a service user) may hold: enough for every machine and script, never unbounded rows. */
export const MAX_TOKENS_PER_USER = 100;
