/**
 * The prefix each kind of shown-once secret starts with ("lki_…" an invite). Its own module without imports so
 * that proxy.ts (lib/http/link-cookie.ts: which prefix a link page's cookie may hold) reads the same list as
 * ./secret-tokens.ts, which mints and checks them.
 */
export const TOKEN_PREFIXES = { accessToken: "lkp", invite: "lki", passwordReset: "lkr", emailChange: "lke", ownerRecovery: "lko", applicationSecret: "lks" } as const;
export type TokenPrefix = (typeof TOKEN_PREFIXES)[keyof typeof TOKEN_PREFIXES];

/** Every such secret is this long: the prefix, "_", 30 random and 6 checksum characters, all base62 (./secret-tokens.ts). */
export const SECRET_TOKEN_LENGTH = 40;
