/**
 * How sessions react to what happens to their user (lib/data/effects.ts): a
 * blocked user, a reset or changed password, or revoked sessions end the
 * user's sessions in the same transaction, so access stops at once.
 */
import "server-only";
import { react } from "@/lib/data/effects";
import { deleteUserSessions } from "./sessions";

react("user.blocked", "sessions", async (tx, { accountId, userId, ended }) => {
  ended.sessions += await deleteUserSessions(tx, accountId, userId);
});

react("user.password_reset", "sessions", async (tx, { accountId, userId, ended }) => {
  ended.sessions += await deleteUserSessions(tx, accountId, userId);
});

// The session that made the change stays signed in.
react("user.password_changed", "sessions", async (tx, { accountId, userId, keepSessionId, ended }) => {
  ended.sessions += await deleteUserSessions(tx, accountId, userId, keepSessionId);
});

// "Sign out everywhere else" keeps the session that asked.
react("user.sessions_revoked", "sessions", async (tx, { accountId, userId, keepSessionId, ended }) => {
  ended.sessions += await deleteUserSessions(tx, accountId, userId, keepSessionId);
});
