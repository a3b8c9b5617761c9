/**
 * Latchkey as an OpenID Provider: the configuration of the certified
 * `oidc-provider` (panva). Nothing of the protocol is written here; this file
 * says which features are on, where its endpoints live, where it stores
 * things (./adapter.ts), who its clients (./clients.ts) and accounts
 * (./accounts.ts) are, and how its own pages look (./pages.ts).
 *
 * Issuer: PUBLIC_URL, else Settings → Email's public address (providerStatus),
 * never a request's Host: without either there is no provider. Endpoints live under /oidc/ (discovery
 * at /.well-known/openid-configuration, the device page at /device);
 * scripts/server.mjs hands those paths to it (lib/sign-in/app-sign-in-http.ts).
 *
 * The Latchkey session is the single sign-on session: the login prompt is
 * always requested, so every authorization passes through Latchkey's
 * interaction (lib/sign-in/app-sign-in.ts), which finishes at once for a
 * valid session and otherwise sends the person to /login.
 *
 * One instance per process, rebuilt when the signing keys change (any
 * replica rotating them bumps their cache version) and hourly (so the key
 * that signs follows the rotation schedule).
 */
import "server-only";
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { config } from "@/lib/config";
import { clientAddressOfNode } from "@/lib/http/request-meta";
import { onSameNetwork } from "@/lib/security/address-key";
import { keyRing } from "@/lib/crypto/keys";
import { clientSecretMatches } from "@/lib/applications/for-provider";
import { issuerUrl } from "@/lib/applications/issuer";
import { textProblem } from "@/lib/http/well-formed-text";
import { instanceAccountId } from "@/lib/instance/account";
import { claimsOf, usableUser, usableUserOfApp } from "./accounts";
import { ACR_TWO_FACTORS, ACR_VALUES, asksForTwoFactors, authenticationContext } from "./authentication-context";
import { OidcAdapter } from "./adapter";
import { applicationOf } from "./clients";
import { allowLoopbackRedirectsOnAnyPort } from "./loopback-redirects";
import { maxAgeExceeded } from "./reauthentication";
import { cacheVersionNow, currentScope, oncePerRequest, personMemoKey, whileSignedIn } from "./request-scope";
import { deviceConfirmPage, deviceInputPage, messagePage, PAGE_POLICY, signOutPage, viewerFor, type DeviceRequest } from "./pages";
import { ensureSigningKeys, loadSigningKeySet, SIGNING_KEYS_VERSION } from "./signing-keys";

import { DEVICE_PATH, DISCOVERY_PATH, OIDC_PREFIX, PROVIDER_ROUTES } from "./paths";
import { PROVIDER_CLOCK_TOLERANCE_SECONDS } from "./interactions";

/** How long an interaction (an app sign-in under way) is kept, and a provider session no one has signed in to. */
const INTERACTION_TTL_SECONDS = 3600;

export { DEVICE_PATH, DISCOVERY_PATH, OIDC_PREFIX };
export const interactionPath = (uid: string) => `${OIDC_PREFIX}/interaction/${uid}`;

export const SCOPES = ["openid", "offline_access", "profile", "email", "groups", "roles"] as const;

/** The scopes of `requested` that Latchkey offers, once each, in the order asked (others are ignored, as the provider does). */
export function offeredScopes(requested: Iterable<string>): string[] {
  const known = new Set<string>(SCOPES);
  return [...new Set([...requested].filter((s) => known.has(s)))];
}

/**
 * How /device shows a user code: oidc-provider's mask over its base-20 charset (capital consonants). USER_CODE_SHAPE
 * is a code as the confirmation page shows it, nothing else.
 */
const USER_CODE_MASK = "****-****";
export const USER_CODE_SHAPE = new RegExp(`^${USER_CODE_MASK.replace(/\*/g, "[A-Z]")}$`);

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** How apps authenticate: web apps with their secret (either way), device and single-page apps with none. */
const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"] as const;
const REBUILD_AFTER_MS = 60 * 60 * 1000;

export type ProviderStatus = { available: true; issuer: string } | { available: false; reason: "no_public_url" | "not_set_up" };

/**
 * Whether the provider can serve, and its issuer: the same address Settings →
 * Applications shows (lib/applications/issuer.ts: PUBLIC_URL, else the public
 * address set in Settings → Email; never a request's headers).
 */
export function providerStatus(): Promise<ProviderStatus> {
  return oncePerRequest("provider-status", readProviderStatus);
}

async function readProviderStatus(): Promise<ProviderStatus> {
  const issuer = await issuerUrl();
  if (!issuer) return { available: false, reason: "no_public_url" };
  if (!(await instanceAccountId())) return { available: false, reason: "not_set_up" };
  return { available: true, issuer };
}

/**
 * The person exists, may use apps (not blocked, not a service user, approved) and the app (still
 * registered) lets them in now (its allowed groups): one query, asked once per request.
 */
export function personForApp(sub: string, clientId: string) {
  return oncePerRequest(personMemoKey(sub, clientId), () => usableUserOfApp(sub, clientId));
}

function ttlFromClient(key: string, fallback: number) {
  return (_ctx: KoaContextWithOIDC, _token: unknown, client: { metadata(): Record<string, unknown> }) => {
    const value = client?.metadata()[key];
    return typeof value === "number" && value > 0 ? value : fallback;
  };
}

/**
 * The login prompt is always asked (so Latchkey's interaction decides, and records, each sign-in), unless this
 * request is the return from that interaction, or a silent one (prompt=none: an app renewing its sign-in in a
 * hidden frame, as NetBird's dashboard does) from a browser whose provider session and live Latchkey session are
 * the same person, who may still use the app, and whose sign-in is no older than the request's max_age. A silent
 * request that can't be answered so gets login_required.
 */
function policy() {
  const { Check, base } = interactionPolicy;
  const prompts = base();
  // prompt=select_account is accepted (an app's "use another account"): the login prompt (below) always goes to the
  // interaction for a request that isn't silent, and there Latchkey asks it (lib/sign-in/app-sign-in.ts).
  prompts.add(new interactionPolicy.Prompt({ name: "select_account", requestable: true }));
  prompts.get("login")?.checks.add(
    new Check("latchkey_session", "End-User authentication is required", "login_required", async (ctx) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      if (!ctx.oidc.promptPending("none") || !(await silentlySignedIn(ctx))) return Check.REQUEST_PROMPT;
      await grantScopesAskedSilently(ctx);
      return Check.NO_NEED_TO_PROMPT;
    }),
  );
  return prompts;
}

/**
 * A silent request of an app that asks no consent, for scopes beyond those its earlier sign-in got: they are added
 * to the person's grant, as the interaction would add them without a question (lib/sign-in/app-sign-in.ts), instead
 * of the consent prompt's consent_required (which sent the app through a full sign-in that then asked nothing).
 * Only a grant the person's own sign-in to this app made (loaded, so it has an id); a first sign-in always goes
 * through the interaction, which records it. Runs after silentlySignedIn (the login prompt is checked before the
 * consent prompt), so the person is signed in here and may use the app.
 */
async function grantScopesAskedSilently(ctx: KoaContextWithOIDC): Promise<void> {
  const grant = ctx.oidc.entities.Grant;
  const client = ctx.oidc.client;
  if (!grant?.jti || !client) return;
  const app = await applicationOf(client.clientId);
  if (!app || app.requireConsent) return;
  const granted = new Set(grant.getOIDCScopeEncountered().split(" "));
  const missing = offeredScopes(ctx.oidc.requestParamScopes).filter((scope) => !granted.has(scope));
  if (missing.length === 0) return;
  grant.addOIDCScope(missing.join(" "));
  await grant.save();
}

/**
 * The provider session's person is the browser's live Latchkey session's, may use the app (findAccount found them),
 * signed in to that session recently enough for the request's max_age (./reauthentication.ts), and with two factors
 * when the request asks for them and a new sign-in would give them (lib/sign-in/step-up.ts). The provider session
 * then takes the live session's acr and amr (./authentication-context.ts): it may remember an earlier Latchkey
 * session of the same person, signed in to otherwise.
 */
async function silentlySignedIn(ctx: KoaContextWithOIDC): Promise<boolean> {
  const accountId = ctx.oidc.session?.accountId;
  if (!accountId || !ctx.oidc.account) return false;
  const live = await currentScope()?.signedInForApps?.();
  if (live?.userId !== accountId) return false;
  const params = ctx.oidc.params ?? {};
  const signIn = await live.signIn();
  if (!signIn || maxAgeExceeded(params, signIn.signedInAt)) return false;
  const { acr, amr } = authenticationContext(signIn);
  if (asksForTwoFactors(params.acr_values) && acr !== ACR_TWO_FACTORS && (await live.couldStepUp(signIn))) return false;
  ctx.oidc.session!.acr = acr;
  ctx.oidc.session!.amr = amr;
  // The code this answer stores commits only while the session is live (./request-scope.ts whileSignedIn).
  await whileSignedIn(live.session);
  return true;
}

/**
 * Where and when a device asked for the code being confirmed, and whether that is this browser's network (the same
 * address, or the same IPv6 /64, as the guessing limits count one client, or both on this machine's loopback:
 * lib/security/address-key.ts).
 */
function deviceRequest(deviceInfo: unknown, issuedAt: number | undefined, browserAddress: string | null): DeviceRequest | undefined {
  const address = (deviceInfo as { address?: unknown } | undefined)?.address;
  if (typeof address !== "string" || typeof issuedAt !== "number") return undefined;
  const minutesAgo = Math.max(0, Math.floor((Date.now() / 1000 - issuedAt) / 60));
  return { address, minutesAgo, sameNetwork: onSameNetwork(address, browserAddress) };
}

/** One of ./pages.ts's pages as the answer, under their policy (no script: app-sign-in-http.ts keeps it). */
function showPage(ctx: { type: string; body: unknown; set(field: string, value: string): void }, html: string): void {
  ctx.type = "html";
  ctx.body = html;
  ctx.set("Content-Security-Policy", PAGE_POLICY);
}

function configuration(jwks: object[]): Configuration {
  const cookieKey = keyRing().oidcCookieKey.toString("base64url");
  return {
    adapter: OidcAdapter,
    jwks: { keys: jwks as NonNullable<Configuration["jwks"]>["keys"] },
    cookies: { keys: [cookieKey] },
    claims: {
      // oidc-provider lists `sid` among the claims by default, but puts it in an ID token only for back-channel logout
      // (off) or the claims parameter (off): never here. false drops it from discovery's claims_supported (null would
      // keep it, and a list would make it a scope).
      sid: false as never,
      // How the person signed in (./authentication-context.ts), in every ID token: from the session, never the account.
      openid: ["sub", "acr", "amr"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
      groups: ["groups"],
      roles: ["roles"],
    },
    scopes: [...SCOPES],
    // Discovery's acr_values_supported: an app asking the two-factor one gets a step-up (lib/sign-in/step-up.ts).
    acrValues: [...ACR_VALUES],
    // Apps (Proxmox, oauth2-proxy, NetBird) read the person's claims from the ID token.
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    discovery: {
      claim_types_supported: ["normal"],
      // oidc-provider authenticates an app at revocation and introspection as at the token endpoint (a device or
      // single-page app with none: oidc-agent revokes so) but doesn't say so, and left out these mean
      // client_secret_basic alone (RFC 8414 §2): an app reading them would think it can't revoke its own tokens.
      revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    },
    enabledJWA: { idTokenSigningAlgValues: ["ES256", "RS256"] },
    // ID tokens: RS256 unless the app is registered for ES256 (lib/applications/schemas.ts DEFAULT_ID_TOKEN_ALG says
    // why); the client metadata (./clients.ts) carries the app's choice, this is only the fallback.
    clientDefaults: { id_token_signed_response_alg: "RS256", grant_types: ["authorization_code"], response_types: ["code"] },
    extraClientMetadata: { properties: ["urn:latchkey:access_token_ttl", "urn:latchkey:refresh_token_ttl"] },
    // Every code flow without client authentication: the single-page apps (what the API's pkce_required says:
    // lib/applications/schemas.ts pkceRequired; a device app, the other kind without a secret, has no code flow).
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    routes: PROVIDER_ROUTES,
    // redirect_uri is required in every authorization request (OpenID Connect Core §3.1.2.1), also from an app that
    // registered one: oidc-provider's default fills it in, and the certification suite's
    // oidcc-ensure-redirect-uri-in-authorization-request expects the refusal. So the token request must name it too
    // (RFC 6749 §4.1.3: it was in the authorization request).
    allowOmittingSingleRegisteredRedirectUri: false,
    // Always Latchkey's interaction, even without a session cookie (when it only sends the browser on to /login): the
    // provider sets its interaction cookie for this URL's path, so going to /login directly would lose it.
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid), policy: policy() },
    // Its default, named where the pages that read an interaction count its expiry the same way (./interactions.ts).
    clockTolerance: PROVIDER_CLOCK_TOLERANCE_SECONDS,
    ttl: {
      AccessToken: ttlFromClient("urn:latchkey:access_token_ttl", 600) as never,
      // Sliding: every refresh rotates the token, and the new one lives this long again.
      RefreshToken: ttlFromClient("urn:latchkey:refresh_token_ttl", 30 * 24 * 3600) as never,
      AuthorizationCode: 60,
      IdToken: 3600,
      DeviceCode: 600,
      Interaction: INTERACTION_TTL_SECONDS,
      // A session nobody signed in to (the device page keeps its form's one-time value in one) lives as an
      // interaction does: anyone can have one stored per GET /device, and at a week each (review 25) that was rows
      // without bound. Saved again with the person in it, it gets the session's lifetime.
      Session: (_ctx, session) => (session.accountId ? config().sessionMaxAgeSeconds : INTERACTION_TTL_SECONDS),
      Grant: 365 * 24 * 3600,
    },
    rotateRefreshToken: true,
    // Every use of a person's token (refresh, userinfo, ID token) asks again whether they may use the app.
    async findAccount(ctx, sub) {
      const clientId = ctx.oidc?.client?.clientId;
      const row = clientId ? await personForApp(sub, clientId) : await usableUser(sub);
      if (!row) return undefined;
      return { accountId: row.id, claims: async (_use, scope) => claimsOf(row, scope) };
    },
    // A browser app may call the token and userinfo endpoints from its own origin (a registered redirect URI's).
    clientBasedCORS(_ctx, origin, client) {
      return client.redirectUris?.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin) ?? false;
    },
    features: {
      devInteractions: { enabled: false },
      // Off (on by default in oidc-provider 8): no app Latchkey serves needs PAR, and its endpoint stored a row per
      // request for a public client and checked client secrets outside the guessing limits (./attempt-limits.ts).
      pushedAuthorizationRequests: { enabled: false },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // A token of a person who may no longer use the app (blocked, deleted, removed from its groups) is inactive.
        async allowedPolicy(_ctx, client, token) {
          if (client.clientId !== token.clientId) return false;
          const sub = "accountId" in token ? token.accountId : undefined;
          return !sub || (await personForApp(sub, client.clientId)) !== null;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          showPage(ctx, signOutPage(await viewerFor(ctx.req.headers), form));
        },
        async postLogoutSuccessSource(ctx) {
          showPage(ctx, messagePage(await viewerFor(ctx.req.headers), "signedOut"));
        },
      },
      deviceFlow: {
        enabled: true,
        charset: "base-20",
        mask: USER_CODE_MASK,
        async userCodeInputSource(ctx, form, _out, err) {
          const viewer = await viewerFor(ctx.req.headers);
          // The person pressed Deny: the device is refused (its next poll gets access_denied), and the page says so, not that the code was wrong.
          if (err?.name === "AbortedError") return showPage(ctx, messagePage(viewer, "deviceDenied"));
          showPage(ctx, deviceInputPage(viewer, form, Boolean(err)));
        },
        // Where the device asked from: the address as Latchkey reads it (the trusted proxies' hops), not Koa's leftmost
        // X-Forwarded-For. Stored with the device code, sealed (./adapter.ts).
        deviceInfo: (ctx) => ({ address: clientAddressOfNode(ctx.req.headers) }),
        async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
          const asked = deviceRequest(deviceInfo, ctx.oidc.entities.DeviceCode?.iat, clientAddressOfNode(ctx.req.headers));
          // Who Approve would connect the device as, when someone is signed in already (otherwise the sign-in comes after it).
          const live = await currentScope()?.signedInForApps?.();
          const signedIn = live ? { label: await live.label(), userId: live.userId } : undefined;
          // What the device asked for (its device authorization's scope, as the provider keeps it with the code).
          const askedScope = (ctx.oidc.entities.DeviceCode as { params?: { scope?: unknown } } | undefined)?.params?.scope;
          const scopes = offeredScopes(typeof askedScope === "string" ? askedScope.split(" ") : []);
          showPage(ctx, deviceConfirmPage(await viewerFor(ctx.req.headers), form, client.clientName ?? client.clientId, userCode, asked, signedIn, scopes));
        },
        async successSource(ctx) {
          showPage(ctx, messagePage(await viewerFor(ctx.req.headers), "deviceDone", { app: ctx.oidc.client?.clientName }));
        },
      },
    },
    async renderError(ctx, out) {
      showPage(ctx, messagePage(await viewerFor(ctx.req.headers), "failed", { alert: out.error_description ?? out.error }));
    },
    // Grant types: code and device (and refresh); no implicit, no client credentials.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
  };
}

function build(issuer: string, jwks: object[]): Provider {
  const provider = new Provider(issuer, configuration(jwks));
  // Forwarded headers reach this far only from a TRUST_PROXY peer (scripts/server.mjs drops the others);
  // they decide the cookies' Secure flag, never the issuer.
  provider.proxy = true;
  // The secret is stored as a digest: the provider's comparison asks Applications (see ./clients.ts).
  const clientProto = provider.Client.prototype as unknown as { compareClientSecret(actual: string): Promise<boolean> | boolean; clientId: string };
  clientProto.compareClientSecret = async function compareClientSecret(this: { clientId: string }, actual: string) {
    const app = await applicationOf(this.clientId);
    return app !== null && clientSecretMatches(app, actual);
  };
  reuseClients(provider);
  allowLoopbackRedirectsOnAnyPort(provider);
  provider.on("server_error", (_ctx, err) => console.error("OpenID provider error:", err));
  return provider;
}

type ClientClass = { find(id: unknown): Promise<unknown> };

/**
 * The provider's client for an app, made once per copy of the app: oidc-provider's own Client.find
 * asks the adapter for the metadata and hashes it (object-hash) on every request to find its cached
 * client; here the Application copy (./clients.ts: cached per process under the applications cache
 * version, so a changed, rotated or deleted app is a new copy or none on every replica's next
 * request) is the key. The guessing limits' check of the client (beforeClient) runs as before. Every
 * client_id the provider reads (query, body, Basic credentials) comes through here.
 */
function reuseClients(provider: Provider): void {
  const Client = provider.Client as unknown as ClientClass;
  const find = Client.find.bind(Client);
  const byApplication = new WeakMap<object, unknown>();
  Client.find = async (id: unknown) => {
    // No app has a client_id a database can't hold (a NUL: PostgreSQL failed the lookup with a 500): an unknown
    // client, invalid_client, before the guessing limits' counter or the app is read by it.
    if (typeof id !== "string" || textProblem(id) !== undefined) return undefined;
    await currentScope()?.beforeClient?.(id);
    const app = await applicationOf(id);
    if (!app) return undefined;
    if (byApplication.has(app)) return byApplication.get(app);
    const client = await find(id);
    if (client) byApplication.set(app, client);
    return client;
  };
}

/** `servesUntil`: an hour after the build, or sooner when a key starts signing or retires (nothing is written then). */
type Built = { provider: Provider; issuer: string; keysVersion: number; servesUntil: number };
// On globalThis: the server's mount (instrumentation bundle) and route handlers (other bundles) share one instance.
const holder = globalThis as unknown as { latchkeyOidcProvider?: Built; latchkeyOidcBuilding?: Promise<Built> };

/** The provider as it should be now, or null when it can't serve (see providerStatus). */
export async function currentProvider(): Promise<Provider | null> {
  const status = await providerStatus();
  if (!status.available) return null;
  const version = await cacheVersionNow(SIGNING_KEYS_VERSION);
  const built = holder.latchkeyOidcProvider;
  if (built && servesAsOf(built, status.issuer, version) && Date.now() < built.servesUntil) return built.provider;
  // A build already under way may have begun before a change this request has seen (a new public
  // address, rotated keys): its provider would sign for the old issuer. Wait for it, then build anew.
  for (;;) {
    const finished = await (holder.latchkeyOidcBuilding ??= buildNow(status.issuer, version));
    if (servesAsOf(finished, status.issuer, version)) return finished.provider;
  }
}

/** A build serves a request that read this issuer and keys version (or an older keys version). */
function servesAsOf(built: Built, issuer: string, keysVersion: number): boolean {
  return built.issuer === issuer && built.keysVersion >= keysVersion;
}

/** Builds the provider (making the signing keys on the very first start); one build at a time per process. */
async function buildNow(issuer: string, keysVersion: number): Promise<Built> {
  try {
    let set = await loadSigningKeySet();
    if (set.keys.length === 0) {
      await ensureSigningKeys();
      set = await loadSigningKeySet();
    }
    if (set.keys.length === 0) throw new Error("The OpenID provider has no signing keys (another replica is making them): try again");
    const servesUntil = Math.min(Date.now() + REBUILD_AFTER_MS, set.changesAt ?? Infinity);
    const next: Built = { provider: build(issuer, set.keys), issuer, keysVersion, servesUntil };
    holder.latchkeyOidcProvider = next;
    return next;
  } finally {
    holder.latchkeyOidcBuilding = undefined;
  }
}

export { DEVICE_CODE_GRANT };
