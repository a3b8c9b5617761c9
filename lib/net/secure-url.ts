/**
 * Where an address may carry a secret (a client secret, a sign-in code, a token): over https anywhere, or over
 * plain http only to this machine (localhost, 127.0.0.1, [::1]: a local test provider, a CLI's loopback
 * redirect), where the traffic never crosses a network. The one rule for identity providers' issuers and the
 * endpoints their discovery names (lib/idp) and for applications' redirect URIs (lib/applications).
 */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function httpsOrLoopback(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}
