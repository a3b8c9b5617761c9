/** The application resource as the REST API returns it (snake_case; never the secret's digest). */
import { accessOf, type ApplicationRecord } from "./records";
import { pkceRequired } from "./schemas";

export function toApiApplication(app: ApplicationRecord) {
  return {
    id: app.id,
    name: app.name,
    type: app.type,
    client_id: app.clientId,
    has_client_secret: app.hasClientSecret,
    /** Names the current secret (never reveals it); a rotation that sends it as `replaces` is refused once it changed. */
    client_secret_id: app.clientSecretId,
    /** Single-page apps must use PKCE; web apps may; device apps have no code flow, so it doesn't apply (./schemas.ts). */
    pkce_required: pkceRequired(app.type),
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    allowed_groups: app.allowedGroups.map((g) => g.id),
    /** everyone, members of allowed_groups, or nobody (limited to groups and none is left); writable (./access.ts). */
    access: accessOf(app),
    access_token_ttl_seconds: app.accessTokenTtlSeconds,
    refresh_token_ttl_seconds: app.refreshTokenTtlSeconds,
    require_consent: app.requireConsent,
    /** How its ID tokens are signed (RS256 by default, or ES256); the JWKS holds a key of each. */
    id_token_signed_response_alg: app.idTokenSignedResponseAlg,
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

/** Create and rotate: the resource plus the client secret, shown this once (web apps only). */
export function toApiApplicationWithSecret(app: ApplicationRecord, clientSecret: string | null) {
  return { ...toApiApplication(app), ...(clientSecret ? { client_secret: clientSecret } : {}) };
}
