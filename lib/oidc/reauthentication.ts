/**
 * When an app asks that the person sign in again (OpenID Connect Core §3.1.2.1): `prompt=login`, or a
 * `max_age` the Latchkey session's sign-in is older than; and when it asks them to choose the account
 * (`prompt=select_account`). The one rule for the interaction
 * (lib/sign-in/app-sign-in.ts), the silent sign-in (./provider.ts: prompt=none answers login_required
 * instead) and the sign-in page's "confirm it's you" mode (lib/sign-in/reauthentication.ts).
 *
 * Ages are counted in whole seconds, as the ID token's auth_time and the app's check of it are
 * (oidc-provider's own max_age check and openid-client's agree: older than max_age, not equal).
 */
import "server-only";

/** The authorization request's parameters this rule reads, as oidc-provider keeps them (strings). */
export type ReauthenticationParams = { prompt?: unknown; max_age?: unknown; acr_values?: unknown };

const seconds = (ms: number) => Math.floor(ms / 1000);

function asks(prompt: unknown, value: "login" | "select_account"): boolean {
  return typeof prompt === "string" && prompt.split(" ").includes(value);
}

function maxAgeOf(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The sign-in at `signedInAt` is older than the request's max_age allows (false without one). */
export function maxAgeExceeded(params: ReauthenticationParams, signedInAt: Date, now = Date.now()): boolean {
  const maxAge = maxAgeOf(params.max_age);
  return maxAge !== undefined && seconds(now) - seconds(signedInAt.getTime()) > maxAge;
}

/**
 * The authorization request begun at `startedAt` (epoch seconds: the interaction's iat) needs a sign-in
 * newer than the one at `signedInAt`. A sign-in since the request began always answers it (max_age=0
 * included): only such a sign-in counts, and the person isn't asked twice for one request. The start is
 * known to the second, so a sign-in in the very second the request began counts too.
 */
export function reauthenticationDue(request: { params: ReauthenticationParams; startedAt: number }, signedInAt: Date, now = Date.now()): boolean {
  if (signedInSinceRequest(request, signedInAt)) return false;
  return asks(request.params.prompt, "login") || maxAgeExceeded(request.params, signedInAt, now);
}

/** The sign-in at `signedInAt` came after the request began (to the second): it answers whatever the request asked of a sign-in. */
export function signedInSinceRequest(request: { startedAt: number }, signedInAt: Date): boolean {
  return seconds(signedInAt.getTime()) >= request.startedAt;
}

/**
 * The request asks the person to choose the account to sign in with (`prompt=select_account`: an app offering
 * "sign in with another account") and they haven't: no answer yet on the page that asks it, and no sign-in since the
 * request began (signing in on the way is the choice).
 */
export function accountChoiceDue(request: { params: ReauthenticationParams; startedAt: number }, signedInAt: Date, answered: boolean): boolean {
  return asks(request.params.prompt, "select_account") && !answered && seconds(signedInAt.getTime()) < request.startedAt;
}
