/**
 * The provider's clients are Latchkey's Applications (lib/applications): this
 * turns one into the client metadata oidc-provider validates and enforces
 * (exact redirect URIs, a public app's loopback one on any port: ./loopback-redirects.ts; PKCE for public
 * clients, which grants).
 *
 * The client secret is stored only as a digest, so the provider can't compare
 * it itself: the metadata carries a placeholder (never a usable secret), and
 * lib/oidc/provider.ts makes the provider's comparison ask
 * clientSecretMatches instead. HMAC uses of the secret (client_secret_jwt,
 * HS256 ID tokens, symmetric encryption) are switched off, so the placeholder
 * is never a key.
 */
import "server-only";
import crypto from "node:crypto";
import type { AdapterPayload } from "oidc-provider";
import { APPLICATIONS_VERSION, findApplicationByClientId, type ProviderApplication } from "@/lib/applications/for-provider";
import { cacheVersionNow, currentScope, oncePerRequest } from "./request-scope";

const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

/** A value no presented secret equals by chance; derived from the digest so the metadata stays stable (the provider caches by it). */
function placeholderSecret(app: ProviderApplication): string {
  return `unusable-${crypto.createHash("sha256").update(`latchkey-placeholder:${app.clientSecretDigest ?? app.id}`).digest("hex")}`;
}

/** A web app may send its secret either way (HTTP Basic or in the form): the provider accepts both for either registration. */
export function metadataFor(app: ProviderApplication): AdapterPayload {
  const common = {
    client_id: app.clientId,
    client_name: app.name,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    "urn:latchkey:access_token_ttl": app.accessTokenTtlSeconds,
    "urn:latchkey:refresh_token_ttl": app.refreshTokenTtlSeconds,
    id_token_signed_response_alg: app.idTokenSignedResponseAlg,
  };
  if (app.type === "web") {
    return {
      ...common,
      client_secret: placeholderSecret(app),
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    };
  }
  if (app.type === "spa") {
    return { ...common, token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] };
  }
  return { ...common, redirect_uris: [], token_endpoint_auth_method: "none", grant_types: [DEVICE_CODE, "refresh_token"], response_types: [] };
}

/** The app registered under clientId, looked up once per provider request (the client, its secret, the grant ask for it). */
export function applicationOf(clientId: string): Promise<ProviderApplication | null> {
  return oncePerRequest(`app:${clientId}`, async () => findApplicationByClientId(clientId, await cacheVersionNow(APPLICATIONS_VERSION)));
}

/** The metadata of the app registered under clientId, for the request being served, or undefined. */
export async function clientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
  await currentScope()?.beforeClient?.(clientId);
  const app = await applicationOf(clientId);
  return app ? metadataFor(app) : undefined;
}
