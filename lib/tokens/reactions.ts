/**
 * How access tokens react to what happens to their user (lib/data/effects.ts).
 * An admin's password reset (and a reset by link) takes the account back, so its
 * tokens end; a password change or a session revoke ends them only when the
 * person asked; a block ends a person's tokens for good, not a service user's
 * (./access-tokens.ts deleteAccessTokensOfBlocked). A deleted user's tokens go
 * with the row (the foreign key cascades).
 */
import "server-only";
import { react } from "@/lib/data/effects";
import { deleteAccessTokensOfBlocked, deleteUserAccessTokens } from "./access-tokens";

react("user.blocked", "tokens", async (tx, { accountId, userId, ended }) => {
  ended.tokens += await deleteAccessTokensOfBlocked(tx, accountId, userId);
});

react("user.password_reset", "tokens", async (tx, { accountId, userId, ended }) => {
  ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});

react("user.password_changed", "tokens", async (tx, { accountId, userId, revokeTokens, ended }) => {
  if (revokeTokens) ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});

react("user.sessions_revoked", "tokens", async (tx, { accountId, userId, revokeTokens, ended }) => {
  if (revokeTokens) ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});
