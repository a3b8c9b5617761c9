/**
 * OpenID Connect discovery, for "Test connection" and for checking a
 * provider before a person is sent to it: fetch
 * <issuer>/.well-known/openid-configuration with a timeout and explain what
 * went wrong in words an admin (or a person at the sign-in page) can act on.
 * oauth4webapi (the library under Auth.js) does the request and validates
 * the document, including that its issuer is the one configured.
 */
import "server-only";
import * as oauth from "oauth4webapi";

export const DISCOVERY_TIMEOUT_MS = 5_000;

export type DiscoveryResult =
  | {
      ok: true;
      issuer: string;
      authorizationEndpoint: string;
      tokenEndpoint: string;
      userinfoEndpoint: string | null;
      pkce: boolean;
    }
  | { ok: false; message: string };

function explain(err: unknown, issuer: string, timeoutMs: number): string {
  const where = `${issuer}/.well-known/openid-configuration`;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return `No answer from ${where} within ${timeoutMs / 1000} s.`;
  }
  if (err instanceof oauth.ResponseBodyError || err instanceof oauth.OperationProcessingError) {
    const detail = err.message.replace(/\.$/, "");
    if (/issuer/i.test(detail)) return `The discovery document at ${where} names a different issuer. Check the issuer URL (${detail}).`;
    if (/status code|HTTP/i.test(detail)) return `${where} answered with an error (${detail}). Check the issuer URL.`;
    return `${where} did not return a valid OpenID Connect discovery document (${detail}).`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `The host of ${issuer} could not be found (DNS). Check the issuer URL.`;
  if (code === "ECONNREFUSED") return `Connection to ${issuer} was refused: nothing is listening there.`;
  if (code && /CERT|SSL|TLS/.test(code)) return `The TLS certificate of ${issuer} was not accepted (${code}).`;
  const message = cause instanceof Error ? cause.message : String(cause);
  return `Could not reach ${where}: ${message}`;
}

export async function fetchDiscovery(issuer: string, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<DiscoveryResult> {
  try {
    const url = new URL(issuer);
    const response = await oauth.discoveryRequest(url, {
      signal: AbortSignal.timeout(timeoutMs),
      [oauth.allowInsecureRequests]: url.protocol === "http:",
    });
    const as = await oauth.processDiscoveryResponse(url, response);
    if (!as.authorization_endpoint || !as.token_endpoint) {
      return { ok: false, message: `The discovery document of ${issuer} has no authorization or token endpoint.` };
    }
    return {
      ok: true,
      issuer: as.issuer,
      authorizationEndpoint: as.authorization_endpoint,
      tokenEndpoint: as.token_endpoint,
      userinfoEndpoint: as.userinfo_endpoint ?? null,
      pkce: (as.code_challenge_methods_supported ?? ["S256"]).includes("S256"),
    };
  } catch (err) {
    return { ok: false, message: explain(err, issuer, timeoutMs) };
  }
}

/**
 * Before sending a person to a provider: is it answering? Asked on every
 * click (no memo), so a provider that just went down is reported as down.
 */
export function checkProviderReachable(issuer: string): Promise<DiscoveryResult> {
  return fetchDiscovery(issuer);
}
