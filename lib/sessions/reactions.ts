/**
 * How sessions react to what happens to their user (lib/data/effects.ts): a
 * blocked user, a reset or changed password, or revoked sessions end the
 * user's sessions in the same transaction, so access stops at once; a way in
 * switched off ends the sessions made through it, whoever's they are; a passkey removed ends the sessions
 * signed in with it.
 */
import "server-only";
import { emit, react } from "@/lib/data/effects";
import { deleteSessionsMadeBy, deleteSessionsProvedBy, deleteUserSessions } from "./sessions";

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

// A removed second factor (the authenticator app, a passkey) proves nothing any more, also where it already had: the
// sessions it proved end (but the one that removed it, as a password change keeps the session making it), and the
// apps they signed in to hear it.
react("user.second_factor_removed", "sessions", async (tx, { accountId, userId, factor, keepSessionId, ended }) => {
  const count = await deleteSessionsProvedBy(tx, accountId, userId, factor, keepSessionId);
  ended.sessions += count;
  if (count > 0) await emit(tx, "sessions.ended_by_factor", { accountId, userId, factor: factor === "totp" ? "totp" : "passkey" });
});

// Nobody stays signed in through a way in that was switched off; the apps they signed in to hear whose ended.
react("sign_in.source_closed", "sessions", async (tx, { accountId, method, sourceId, ended }) => {
  const { sessions, userIds } = await deleteSessionsMadeBy(tx, accountId, method, sourceId);
  ended.sessions += sessions;
  if (userIds.length > 0) await emit(tx, "sessions.ended_by_source", { accountId, userIds });
});
