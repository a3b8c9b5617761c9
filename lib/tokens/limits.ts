/** Bounds of a token's name and lifetime, shared by the schema and the form (no server code here). */
export const TOKEN_NAME_MAX_LENGTH = 100;
export const TOKEN_EXPIRY_DAYS = { min: 1, max: 365, default: 30 } as const;
