/**
 * RFC 8252 §7.3: a native app (a CLI, a desktop app) receives its code on a loopback port it picks when it starts,
 * so a public app's registered `http://127.0.0.1/…` or `http://[::1]/…` redirect URI matches a request's
 * redirect_uri that differs from it in the port alone. Keycloak, Google, Okta and Pocket ID do the same.
 *
 * The comparison is oidc-provider's own (its Client's redirectUriAllowed for `application_type: "native"`: both
 * addresses parsed, their ports cleared, the rest compared whole), asked for only where Latchkey gives the rule.
 * The apps are not registered as native clients, because that changes more than the port (read in oidc-provider
 * 8.8's client_schema.js, prompts/consent.js and models/client.js):
 * - a native client's https redirect URIs may not name a loopback host, so a single-page app registered with
 *   `https://localhost:8443/…` would stop loading (its post-logout URIs likewise);
 * - every authorization of a native client asks the consent prompt (`native_client_prompt`), so a silent renewal
 *   (prompt=none, as NetBird's dashboard does) would get consent_required;
 * - its loopback rule covers `localhost` too, which RFC 8252 §8.3 advises against (a resolver may answer another
 *   address): here `localhost` keeps its exact port.
 *
 * What stays exact: a web app's redirect URIs (it has a secret; its addresses are fixed), the path, query and host
 * (`127.0.0.1` is not `[::1]`), post-logout redirect URIs (their own comparison) and the CORS origins
 * (./provider.ts clientBasedCORS). The code is stored with the redirect_uri the request named, and the token request
 * must name the same one, port included (oidc-provider's authorization_code grant).
 */
import type { Provider } from "oidc-provider";

/** The loopback IP literals, as WHATWG URL writes a hostname; `localhost` is not one of them (RFC 8252 §8.3). */
const LOOPBACK_IP_LITERALS = new Set(["127.0.0.1", "[::1]"]);

type RedirectRule = { redirectUriAllowed(value: string): boolean };
type ProviderClient = RedirectRule & { redirectUris?: string[]; clientAuthMethod?: string };

/** An http address on a loopback IP literal: the only ones a port may vary in. */
function onLoopbackIpLiteral(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === "http:" && LOOPBACK_IP_LITERALS.has(url.hostname);
}

/** Makes the provider's clients accept a public app's loopback redirect on any port (see above). */
export function allowLoopbackRedirectsOnAnyPort(provider: Provider): void {
  const client = provider.Client.prototype as unknown as ProviderClient;
  const registered = client.redirectUriAllowed;
  client.redirectUriAllowed = function redirectUriAllowed(this: ProviderClient, value: string): boolean {
    if (registered.call(this, value)) return true;
    // Public apps only: a single-page / native app (a device app registers no redirect URI). A web app authenticates
    // with its secret and keeps the exact match.
    if (this.clientAuthMethod !== "none" || !onLoopbackIpLiteral(value)) return false;
    // oidc-provider 8's method reads only these two fields of its client; lib/oidc/provider-attacks.test.ts's
    // loopback tests would fail if a later version read more (no code at the port asked for).
    return registered.call({ redirectUris: this.redirectUris ?? [], applicationType: "native" }, value);
  };
}
