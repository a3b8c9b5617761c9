/** The access token resource as the REST API returns it (NetBird's PersonalAccessToken shape, plus who created it). */
import type { TokenCreator } from "./creators";
import type { AccessTokenRecord } from "./records";

export function toApiToken(token: AccessTokenRecord & { creator?: TokenCreator }) {
  return {
    id: token.id,
    name: token.name,
    expiration_date: token.expiresAt.toISOString(),
    created_by: token.createdBy,
    // The creator's name (a deleted one's as last recorded) and whether they are active, blocked or deleted.
    ...(token.creator && { created_by_name: token.creator.name, created_by_status: token.creator.status }),
    created_at: token.createdAt.toISOString(),
    // Omitted when never used, as NetBird does (its clients read a present value as a date).
    ...(token.lastUsedAt ? { last_used: token.lastUsedAt.toISOString() } : {}),
    // roles: the token's scope, only on a scoped token: an unscoped one (all of its owner's permissions)
    // keeps NetBird's exact PersonalAccessToken shape.
    ...(token.permissions ? { permissions: token.permissions } : {}),
  };
}
