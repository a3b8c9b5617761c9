/**
 * The scopes a person is told about in words (messages: oidcPages.consent.scopes.*), in the order they are
 * said: the consent page asks with them, and Profile → "Apps you signed in to" says what an app can see
 * with the same words (it showed "email, openid, profile" before review 19).
 */
export const SCOPE_KEYS = ["openid", "profile", "email", "groups", "roles", "offline_access"] as const;
export type KnownScope = (typeof SCOPE_KEYS)[number];

export const knownScope = (scope: string): KnownScope | undefined => SCOPE_KEYS.find((k) => k === scope);

/** The scopes in the order they are said: the known ones first, in SCOPE_KEYS order, then any other. */
export function inSayingOrder(scopes: readonly string[]): string[] {
  const rank = (s: string) => {
    const known = knownScope(s);
    return known ? SCOPE_KEYS.indexOf(known) : SCOPE_KEYS.length;
  };
  return [...scopes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
