/**
 * The paths the OpenID provider answers (served by scripts/server.mjs through
 * lib/sign-in/app-sign-in-http.ts). Kept apart from ./provider.ts so that the
 * server can tell a provider request from any other without loading
 * oidc-provider: lib/startup.ts loads it on the first such request.
 */
export const OIDC_PREFIX = "/oidc";
export const DISCOVERY_PATH = "/.well-known/openid-configuration";
export const DEVICE_PATH = "/device";

/**
 * The provider's endpoints (oidc-provider's `routes`), each at exactly one path. Pushed authorization
 * requests are off (./provider.ts), so /oidc/request is no path of the provider: it answers as any unknown one.
 */
export const PROVIDER_ROUTES = {
  authorization: `${OIDC_PREFIX}/auth`,
  backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
  code_verification: DEVICE_PATH,
  device_authorization: `${OIDC_PREFIX}/device/auth`,
  end_session: `${OIDC_PREFIX}/session/end`,
  introspection: `${OIDC_PREFIX}/token/introspection`,
  jwks: `${OIDC_PREFIX}/jwks`,
  registration: `${OIDC_PREFIX}/reg`,
  revocation: `${OIDC_PREFIX}/token/revocation`,
  token: `${OIDC_PREFIX}/token`,
  userinfo: `${OIDC_PREFIX}/me`,
} as const;

export function ownsPath(pathname: string): boolean {
  return pathname === DISCOVERY_PATH || pathname.startsWith(`${OIDC_PREFIX}/`) || pathname === DEVICE_PATH || pathname.startsWith(`${DEVICE_PATH}/`);
}

const UID = "[A-Za-z0-9_-]{1,64}";
const FIXED = new Set<string>([
  DISCOVERY_PATH,
  ...Object.values(PROVIDER_ROUTES),
  `${PROVIDER_ROUTES.end_session}/confirm`,
  `${PROVIDER_ROUTES.end_session}/success`,
]);
// The authorization's and the device flow's return (/oidc/auth/:uid, /device/:uid), a registered client
// (/oidc/reg/:id), and Latchkey's own interaction pages (/oidc/interaction/:uid, …/consent).
const WITH_ID = new RegExp(`^(?:${PROVIDER_ROUTES.authorization}|${DEVICE_PATH}|${PROVIDER_ROUTES.registration})/${UID}$|^${OIDC_PREFIX}/interaction/${UID}(?:/consent)?$`);

const INTERACTION = new RegExp(`^${OIDC_PREFIX}/interaction/(${UID})(/consent)?$`);
const RESUME = new RegExp(`^${PROVIDER_ROUTES.authorization}/${UID}$`);

/** Latchkey's interaction pages (/oidc/interaction/:uid, and its …/consent): the uid and which page; null for any other path. */
export function interactionPathOf(path: string): { uid: string; consent: boolean } | null {
  const match = INTERACTION.exec(path);
  return match ? { uid: match[1], consent: match[2] !== undefined } : null;
}

/** The uid of the interaction a local path (a sign-in's callbackUrl) returns to, or null when it is no interaction's. */
export function interactionUidOf(path: string): string | null {
  const page = interactionPathOf(path);
  return page && !page.consent ? page.uid : null;
}

/** The authorization request's return from the interaction (/oidc/auth/:uid). */
export function isAuthorizationResume(pathname: string): boolean {
  return RESUME.test(pathname);
}

/**
 * Whether a path the provider owns is written exactly as one of its routes. oidc-provider's router also
 * answers "/oidc/TOKEN" and "/oidc/token/"; every rule Latchkey keeps by path (guessing limits, the token
 * endpoint's writes in one unit of work) names the exact path, so any other spelling is refused (404)
 * before it reaches the provider.
 */
export function isExactProviderPath(pathname: string): boolean {
  return FIXED.has(pathname) || WITH_ID.test(pathname);
}
