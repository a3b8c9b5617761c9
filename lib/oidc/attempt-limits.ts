/**
 * Guessing limits on the OpenID provider's endpoints for apps (token,
 * introspection, revocation, device authorization) and on the /device page,
 * counted in the database (lib/security/rate-limit.ts), so they hold across
 * replicas:
 *  - a failed client authentication (wrong secret, unknown client) or an
 *    unknown device code at the token endpoint counts against the client
 *    address and against the client_id (oidcFailuresIpLimit,
 *    oidcFailuresClientLimit);
 *  - a user code on /device counts against the client address before it is
 *    looked up, and is forgiven when it matched a device (oidcUserCodeIpLimit):
 *    counted first, so parallel guesses can't all pass the check (review 9d);
 *    without a live Latchkey session it also counts against one budget of all
 *    addresses together, a short one (oidcUserCodeGlobalLimit: 30 a minute),
 *    so guessing from many addresses is bounded; with one it counts against the
 *    signed-in person's own budget instead (oidcUserCodePersonLimit), so one
 *    account's cookie used from many addresses is bounded too. An attacker can
 *    keep the shared budget used up for as long as they keep at it; signing in
 *    first is the way past it;
 *  - a flow started without a live Latchkey session (a device authorization, an
 *    authorization request) counts against the client address whatever its
 *    answer: each stores a row (oidcFlowStartsIpLimit). A session cookie that
 *    doesn't resolve to a live session is no session.
 * Otherwise only failures are counted (a write). A request checks that its address has
 * not used up its limit (no write) when the provider looks the client up, judging
 * the counter read with the request's cache versions (./request-start.ts, one
 * round trip); a request that presents no client has its address checked after
 * the provider's answer. Past a limit every request of that address is refused,
 * whatever it presents, until the window passes; past a client's, its failures
 * are (an app that authenticates is never held up by others' failures: review
 * 46). Refused: 429 in OAuth's error shape
 * ({"error":"temporarily_unavailable","error_description":…}) with
 * Retry-After, or the /device page saying so.
 */
import "server-only";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { KoaContextWithOIDC } from "oidc-provider";
import { errors } from "oidc-provider";
import { RateLimited } from "@/lib/errors";
import { clientAddressOfNode } from "@/lib/http/request-meta";
import { oidcFailuresClientLimit, oidcFailuresIpLimit, oidcFlowStartsIpLimit, oidcUserCodeGlobalLimit, oidcUserCodeIpLimit, oidcUserCodePersonLimit } from "@/lib/security/limits";
import { assertRateLimitsNotExhausted, consumeRateLimit, counterKey, forgiveRateLimit, type RateLimit } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { tooManyAttemptsPage, viewerFor, type TooManyCause } from "./pages";
import { DEVICE_CODE_GRANT, DEVICE_PATH, OIDC_PREFIX } from "./provider";
import { PROVIDER_ROUTES } from "./paths";
import { currentScope } from "./request-scope";
import { CLIENT_AUTH_ENDPOINTS } from "./basic-credentials";

/** The provider's own error type, so its error handler answers in OAuth's shape with this status. */
class TooManyAttempts extends errors.CustomOIDCProviderError {
  constructor(description: string) {
    super("temporarily_unavailable", description);
    Object.assign(this, { status: 429, statusCode: 429 });
  }
}

/** The client's address as the per-address limits key it (an IPv6 client by its /64, under an HMAC: lib/security/address-key.ts). */
function addressOf(requestHeaders: IncomingHttpHeaders): string {
  return addressLimitKey(clientAddressOfNode(requestHeaders));
}

/**
 * The guessing limits' counter an app's request will be checked against, known before the provider
 * runs: its address's (a client's own count refuses only its failures, after they fail). The request
 * reads it with its cache versions (./request-scope.ts).
 */
export function countersToReadAhead(method: string | undefined, pathname: string, headers: IncomingHttpHeaders): string[] {
  if (method !== "POST" || !CLIENT_AUTH_ENDPOINTS.has(pathname)) return [];
  return [counterKey(oidcFailuresIpLimit(), addressOf(headers))];
}

function oauthError(ctx: KoaContextWithOIDC): string | undefined {
  const body = ctx.body as { error?: unknown } | undefined;
  return body && typeof body === "object" && typeof body.error === "string" ? body.error : undefined;
}

/** The failure this answer was, if it is one the limits count. */
function failed(ctx: KoaContextWithOIDC): boolean {
  const error = oauthError(ctx);
  if (ctx.status === 401 && error === "invalid_client") return true;
  return ctx.path === `${OIDC_PREFIX}/token` && ctx.oidc?.params?.grant_type === DEVICE_CODE_GRANT && error === "invalid_grant";
}

/** Answers 429: a page naming the limit's cause for a person's browser, OAuth's JSON error for an app (no cause). */
async function refuse(ctx: KoaContextWithOIDC, err: RateLimited, pageCause?: TooManyCause): Promise<void> {
  ctx.status = 429;
  ctx.set("Retry-After", String(err.retryAfterSeconds));
  ctx.set("Cache-Control", "no-store");
  if (pageCause) {
    ctx.type = "html";
    ctx.body = tooManyAttemptsPage(await viewerFor(ctx.req.headers), err.retryAfterSeconds, pageCause);
  } else {
    ctx.body = { error: "temporarily_unavailable", error_description: err.message };
  }
}

/** Counts the failure against each key; the first limit it goes past refuses this answer too. */
async function count(keys: Array<[Parameters<typeof consumeRateLimit>[0], string | undefined]>): Promise<RateLimited | undefined> {
  let refused: RateLimited | undefined;
  for (const [limit, key] of keys) {
    if (!key) continue;
    try {
      await consumeRateLimit(limit, key);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      refused ??= err;
    }
  }
  return refused;
}

/**
 * The user id of the live Latchkey session a request's cookies carry, or null (lib/sign-in resolves it: this
 * layer can't; it answers null at once for a request without a session cookie).
 */
export type LiveSession = (req: IncomingMessage) => Promise<string | null>;

/**
 * A request that starts a flow and stores a row for whoever asks: a device authorization, or an authorization
 * request without a live session. A cookie only named like the session's is no session: it is resolved (once
 * per request) before the request goes uncounted, so "authjs.session-token=junk" counts as no cookie does.
 */
async function startsFlow(ctx: KoaContextWithOIDC, liveSession: LiveSession): Promise<"device" | "browser" | null> {
  if (ctx.method === "POST" && ctx.path === PROVIDER_ROUTES.device_authorization) return "device";
  if ((ctx.method !== "GET" && ctx.method !== "POST") || ctx.path !== PROVIDER_ROUTES.authorization) return null;
  return (await liveSession(ctx.req)) ? null : "browser";
}

/** The one key of oidcUserCodeGlobalLimit: every address's misses together. */
const EVERY_ADDRESS = "all";

/** The provider's first middleware (lib/sign-in/app-sign-in-http.ts installs it, and says how a session is resolved). */
export function attemptLimits(liveSession: LiveSession) {
  return (ctx: KoaContextWithOIDC, next: () => Promise<void>) => limitAttempts(ctx, next, liveSession);
}

async function limitAttempts(ctx: KoaContextWithOIDC, next: () => Promise<void>, liveSession: LiveSession): Promise<void> {
  const flow = await startsFlow(ctx, liveSession);
  if (flow) {
    try {
      await consumeRateLimit(oidcFlowStartsIpLimit(), addressOf(ctx.req.headers));
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      return await refuse(ctx, err, flow === "browser" ? "flowStarts" : undefined);
    }
  }
  const scope = currentScope();
  if (ctx.method !== "POST" || !scope) return next();

  if (ctx.path === DEVICE_PATH) {
    // A user code is a short secret a person types (8 characters): each POST is counted before its code is
    // looked up, in the same atomic step as the limit's check, so a burst of parallel guesses can't all pass
    // a check before any of them is counted. A code that matched is forgiven (a person retyping theirs).
    const address = addressOf(ctx.req.headers);
    try {
      await consumeRateLimit(oidcUserCodeIpLimit(), address);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      return await refuse(ctx, err, "address");
    }
    // Guesses from many addresses share one short budget. A signed-in person is never held up by it: their misses
    // are charged to their own budget instead (one account's cookie used from many addresses gets no more).
    const userId = await liveSession(ctx.req);
    const [shared, key]: [RateLimit, string] = userId ? [oidcUserCodePersonLimit(), userId] : [oidcUserCodeGlobalLimit(), EVERY_ADDRESS];
    try {
      await consumeRateLimit(shared, key);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      // Not looked up, so not this address's guess: its own budget is not spent on it.
      await forgiveRateLimit(oidcUserCodeIpLimit(), address);
      return await refuse(ctx, err, userId ? "person" : "everyone");
    }
    await next();
    if (scope.userCodeMisses === 0) {
      await forgiveRateLimit(oidcUserCodeIpLimit(), address);
      await forgiveRateLimit(shared, key);
    }
    return;
  }

  if (!CLIENT_AUTH_ENDPOINTS.has(ctx.path)) return next();
  const address = addressOf(ctx.req.headers);
  // The address is checked when the provider first looks a client up (./clients.ts asks here first), in the same read
  // as the request's cache versions (one read per request, not two). A client's own count is not checked before it
  // authenticates (review 46): its client_id is no secret (every authorization URL carries it), so refusing all of
  // its requests past the count let anyone with a few addresses lock an app out of the token endpoint (no sign-in, no
  // refresh, for everyone) with made-up secrets or device codes, renewable every 15 minutes, while guessing a
  // secret or a device code (178 and 256 random bits) was never within reach. Past its count, the client's failures
  // are answered 429 (below), and a request that authenticates goes on.
  let refusal: RateLimited | undefined;
  let addressChecked = false;
  scope.beforeClient = async () => {
    if (addressChecked) return;
    addressChecked = true;
    try {
      await assertRateLimitsNotExhausted([[oidcFailuresIpLimit(), address]], scope.startCounters);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      refusal = err;
      throw new TooManyAttempts(err.message);
    }
  };
  await next();
  if (!addressChecked) {
    // No client was presented (the provider refused the request before looking one up): the address's check
    // still decides the answer, so an address past its limit is refused whatever it sends.
    try {
      await assertRateLimitsNotExhausted([[oidcFailuresIpLimit(), address]], scope.startCounters);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      refusal = err;
    }
  }
  if (refusal) return await refuse(ctx, refusal);
  if (!failed(ctx)) return;
  // Per client only for registered ones: made-up client_ids are the address's business (no row per invented id).
  const refused = await count([
    [oidcFailuresIpLimit(), address],
    [oidcFailuresClientLimit(), ctx.oidc?.client?.clientId],
  ]);
  if (refused) await refuse(ctx, refused);
}
