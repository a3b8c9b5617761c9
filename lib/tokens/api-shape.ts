/** The access token resource as the REST API returns it (NetBird's PersonalAccessToken shape). */
import type { AccessTokenRecord } from "./records";

export function toApiToken(token: AccessTokenRecord) {
  return {
    id: token.id,
    name: token.name,
    expiration_date: token.expiresAt.toISOString(),
    created_by: token.createdBy,
    created_at: token.createdAt.toISOString(),
    // Omitted when never used, as NetBird does (its clients read a present value as a date).
    ...(token.lastUsedAt ? { last_used: token.lastUsedAt.toISOString() } : {}),
  };
}
