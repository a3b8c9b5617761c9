/**
 * OpenID Connect discovery, for "Test connection" and for checking a
 * provider before a person is sent to it: fetch
 * <issuer>/.well-known/openid-configuration with a timeout, through the
 * outbound address guard (lib/security/outbound-guard.ts). oauth4webapi (the library
 * under Auth.js) does the request and validates the document, including that
 * its issuer is the one configured.
 *
 * A failure is reported as a category with a short message and never with
 * the content of what answered: refused, timed out, TLS failure and "some
 * other server answered" all read the same, so "Test connection" cannot be
 * used to map which ports are open on the network Latchkey sits in.
 *
 * Sign-in uses providerDiscovery(): a per-process cache keyed by provider id,
 * issuer and address policy (an edit changes the key), with a TTL and a
 * back-off after failure, so anonymous clicks on "Sign in with …" cause at
 * most one outbound request per provider per minute. A change to the sign-in
 * configuration on any replica (./configuration-version.ts) empties it, so a
 * provider fixed after a failure is not held in back-off elsewhere.
 */
import "server-only";
import * as oauth from "oauth4webapi";
import { cacheVersionWatch } from "@/lib/data/cache-version";
import type { MessageRef } from "@/lib/errors";
import { SIGN_IN_CONFIGURATION } from "./configuration-version";
import { httpsOrLoopback } from "@/lib/net/secure-url";
import { guardedFetch, OutboundAddressRefused, type AddressPolicy } from "@/lib/security/outbound-guard";

export const DISCOVERY_TIMEOUT_MS = 5_000;
/** A good document is reused this long. */
export const DISCOVERY_TTL_MS = 10 * 60_000;
/** After a failure nobody asks again for this long; it doubles per consecutive failure, up to the TTL. */
export const DISCOVERY_BACKOFF_MS = 60_000;

export type DiscoveryFailure = "address_refused" | "host_not_found" | "unreachable" | "invalid_response";

export type DiscoveryResult =
  | {
      ok: true;
      issuer: string;
      authorizationEndpoint: string;
      tokenEndpoint: string;
      userinfoEndpoint: string | null;
      pkce: boolean;
      /** The validated document, for Auth.js (served from the cache instead of asked again). */
      document: Record<string, unknown>;
    }
  | { ok: false; category: DiscoveryFailure; message: string; /** The message's catalog entry, for the form. */ ref: MessageRef };

/** Where a provider's discovery document is, as oauth4webapi computes it. */
export function discoveryUrl(issuer: string): string {
  const url = new URL(issuer);
  url.pathname = `${url.pathname.replace(/\/$/, "")}/.well-known/openid-configuration`;
  return url.href;
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 6; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function failure(err: unknown, issuer: string): DiscoveryResult & { ok: false } {
  const host = new URL(issuer).host;
  const chain = causes(err);
  const refused = chain.find((e): e is OutboundAddressRefused => e instanceof OutboundAddressRefused);
  if (refused) {
    return refused.reason === "internal"
      ? {
          ok: false,
          category: "address_refused",
          message: `${host} is on this machine (a loopback address). Turn on "Allow internal addresses" for this provider to use it.`,
          ref: { key: "discoveryLoopback", params: { host } },
        }
      : {
          ok: false,
          category: "address_refused",
          message: `${host} is a link-local or cloud metadata address, which Latchkey never contacts.`,
          ref: { key: "addressMetadata", params: { address: host } },
        };
  }
  if (err instanceof oauth.OperationProcessingError || err instanceof oauth.ResponseBodyError) {
    if (err instanceof oauth.OperationProcessingError && err.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const message = `The discovery document at ${host} names a different issuer. Check the issuer URL (exact spelling, trailing slash, tenant).`;
      return { ok: false, category: "invalid_response", message, ref: { key: "discoveryOtherIssuer", params: { host } } };
    }
    const message = `${host} did not answer with an OpenID Connect discovery document. Check the issuer URL.`;
    return { ok: false, category: "invalid_response", message, ref: { key: "discoveryNotOidc", params: { host } } };
  }
  const code = chain.map((e) => (e as NodeJS.ErrnoException | undefined)?.code).find((c) => c === "ENOTFOUND" || c === "EAI_AGAIN");
  if (code) return { ok: false, category: "host_not_found", message: `The host ${host} could not be found (DNS). Check the issuer URL.`, ref: { key: "discoveryHostNotFound", params: { host } } };
  const message = `Could not get a discovery document from ${host}: no answer, connection refused or TLS not accepted.`;
  return { ok: false, category: "unreachable", message, ref: { key: "discoveryUnreachable", params: { host } } };
}

function endpointIsSafe(endpoint: string): boolean {
  try {
    return httpsOrLoopback(new URL(endpoint));
  } catch {
    return false;
  }
}

/** One uncached discovery request ("Test connection" wants the provider as it is now). */
export async function fetchDiscovery(issuer: string, policy: AddressPolicy, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<DiscoveryResult> {
  try {
    const url = new URL(issuer);
    const response = await oauth.discoveryRequest(url, {
      signal: AbortSignal.timeout(timeoutMs),
      [oauth.allowInsecureRequests]: url.protocol === "http:",
      [oauth.customFetch]: guardedFetch(policy),
    });
    const as = await oauth.processDiscoveryResponse(url, response);
    if (!as.authorization_endpoint || !as.token_endpoint) {
      const message = `The discovery document at ${url.host} has no authorization or token endpoint.`;
      return { ok: false, category: "invalid_response", message, ref: { key: "discoveryNoEndpoints", params: { host: url.host } } };
    }
    // Review 12: the issuer's own rule for what it names too. A provider behind a TLS proxy that doesn't know it is
    // reached over https names http:// endpoints, and Auth.js would send the secret and the code to them as named.
    const plain = [as.authorization_endpoint, as.token_endpoint, as.userinfo_endpoint, as.jwks_uri].find((e) => e !== undefined && !endpointIsSafe(e));
    if (plain !== undefined) {
      const message = `The discovery document at ${url.host} names ${plain}, over plain http: the client secret and sign-in codes would cross the network unencrypted. Make the provider name its https address (behind a TLS proxy, tell it so).`;
      return { ok: false, category: "invalid_response", message, ref: { key: "discoveryPlainHttp", params: { host: url.host, endpoint: plain } } };
    }
    return {
      ok: true,
      issuer: as.issuer,
      authorizationEndpoint: as.authorization_endpoint,
      tokenEndpoint: as.token_endpoint,
      userinfoEndpoint: as.userinfo_endpoint ?? null,
      pkce: (as.code_challenge_methods_supported ?? ["S256"]).includes("S256"),
      document: { ...as },
    };
  } catch (err) {
    return failure(err, issuer);
  }
}

export type DiscoverableProvider = { id: string; issuer: string; allowInternalAddresses: boolean };

type Entry = { result: DiscoveryResult; expiresAt: number; failures: number };
type Store = { entries: Map<string, Entry>; inflight: Map<string, Promise<DiscoveryResult>>; configuration: ReturnType<typeof cacheVersionWatch> };
const holder = globalThis as unknown as { latchkeyDiscovery?: Store };
function store(): Store {
  return (holder.latchkeyDiscovery ??= { entries: new Map(), inflight: new Map(), configuration: cacheVersionWatch(SIGN_IN_CONFIGURATION) });
}
const keyOf = (p: DiscoverableProvider) => JSON.stringify([p.id, p.issuer, p.allowInternalAddresses]);

/**
 * The provider's discovery result, from the cache while it is fresh (or in
 * back-off after a failure); concurrent callers share one request.
 */
export async function providerDiscovery(p: DiscoverableProvider): Promise<DiscoveryResult> {
  const { entries, inflight, configuration } = store();
  if (await configuration.changed()) entries.clear();
  const key = keyOf(p);
  const cached = entries.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.result;
  const running = inflight.get(key);
  if (running) return running;
  const request = fetchDiscovery(p.issuer, { allowInternal: p.allowInternalAddresses })
    .then((result) => {
      const now = Date.now();
      const failures = result.ok ? 0 : (cached?.failures ?? 0) + 1;
      const ttl = result.ok ? DISCOVERY_TTL_MS : Math.min(DISCOVERY_BACKOFF_MS * 2 ** (failures - 1), DISCOVERY_TTL_MS);
      for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
      entries.set(key, { result, expiresAt: now + ttl, failures });
      return result;
    })
    .finally(() => inflight.delete(key));
  inflight.set(key, request);
  return request;
}

/** Forgets every cached document in this process (tests; edits change the key or the configuration version). */
export function forgetDiscoveryCache(): void {
  store().entries.clear();
}
