/**
 * How access tokens react to what happens to their user (lib/data/effects.ts).
 * An admin's password reset takes the account back, so its tokens end; a
 * password change or a session revoke ends them only when the person asked.
 * A deleted user's tokens go with the row (the foreign key cascades).
 */
import "server-only";
import { react } from "@/lib/data/effects";
import { deleteUserAccessTokens } from "./access-tokens";

react("user.password_reset", "tokens", async (tx, { accountId, userId, ended }) => {
  ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});

react("user.password_changed", "tokens", async (tx, { accountId, userId, revokeTokens, ended }) => {
  if (revokeTokens) ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});

react("user.sessions_revoked", "tokens", async (tx, { accountId, userId, revokeTokens, ended }) => {
  if (revokeTokens) ended.tokens += await deleteUserAccessTokens(tx, accountId, userId);
});
