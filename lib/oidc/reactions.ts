/**
 * How apps' access reacts to what happens to a person or an app
 * (lib/data/effects.ts), in the same transaction: blocking, deleting,
 * resetting a password, revoking sessions, switching off the way in a
 * person's sessions were made by, or removing the passkey some of them were
 * signed in with ends the person's grants and tokens at
 * every app (a password change too when the person asks, and owner
 * recovery); an app deleted, its secret rotated, or its redirect URIs or
 * consent changed ends all its grants; an app's allowed groups changed ends
 * the grants of people no longer allowed (checked after the change commits, against the groups as
 * they then are); a person who left groups loses the apps limited to groups
 * that no longer let them in. Each ending is an activity event ("app.tokens.revoked").
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { appsClosedTo, userMayUseApplication, findApplicationByClientId } from "@/lib/applications/for-provider";
import { recordEvent } from "@/lib/audit/record";
import { react } from "@/lib/data/effects";
import { afterCommit, writeSystem } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { eq } from "drizzle-orm";
import { applications } from "@/lib/db/schema";
import { appsWithGrantsOf, revokeAppGrants, revokeUserAppAccess, usersWithGrants } from "./grants";

/** Ends the person's grants and tokens at every app, or at one (clientId), and records it when there were any. */
async function endPersonsAccess(tx: Tx, accountId: string, userId: string, reason: string, clientId?: string): Promise<void> {
  const ended = await revokeUserAppAccess(tx, accountId, userId, clientId);
  if (ended === 0) return;
  await recordEvent(tx, {
    accountId,
    action: "app.tokens.revoked",
    actor: { type: "system", id: null },
    target: { type: "user", id: userId },
    details: { reason, ...(clientId ? { client_id: clientId } : {}), grants_ended: ended },
    meta: NO_REQUEST,
  });
}

react("user.deleted", "oidc", (tx, { accountId, userId }) => endPersonsAccess(tx, accountId, userId, "user_deleted"));
react("user.blocked", "oidc", (tx, { accountId, userId }) => endPersonsAccess(tx, accountId, userId, "user_blocked"));
react("user.password_reset", "oidc", (tx, { accountId, userId }) => endPersonsAccess(tx, accountId, userId, "password_reset"));
react("user.sessions_revoked", "oidc", (tx, { accountId, userId }) => endPersonsAccess(tx, accountId, userId, "sessions_revoked"));
// A way in was switched off: the people signed out with it lose what their sessions began at apps. Grants are
// the person's, not one session's (the provider keeps no link back), so all of theirs end.
react("sessions.ended_by_source", "oidc", async (tx, { accountId, userIds }) => {
  for (const userId of userIds) await endPersonsAccess(tx, accountId, userId, "sign_in_source_closed");
});
// Sessions signed in with a passkey the person removed ended: so do the person's grants (again not one session's).
react("sessions.ended_by_factor", "oidc", (tx, { accountId, userId, factor }) =>
  endPersonsAccess(tx, accountId, userId, factor === "totp" ? "authenticator_app_removed" : "passkey_removed"),
);
react("user.password_changed", "oidc", async (tx, { accountId, userId, endAppGrants }) => {
  if (endAppGrants) await endPersonsAccess(tx, accountId, userId, "password_changed");
});

// The person left groups: the apps limited to groups that no longer let them in end their grants now,
// in the same transaction (under the person's revocation lock: a refresh under way can't keep its tokens).
react("user.groups_changed", "oidc", async (tx, { accountId, userId }) => {
  const closed = await appsClosedTo(tx, accountId, userId, await appsWithGrantsOf(tx, accountId, userId));
  for (const clientId of closed) await endPersonsAccess(tx, accountId, userId, "not_in_allowed_groups", clientId);
});

react("application.access_changed", "oidc", async (tx, payload) => {
  const { accountId, applicationId, change } = payload;
  // The effect names the client (a deleted app's row is gone by then); otherwise it is looked up.
  const named = "clientId" in payload && typeof payload.clientId === "string" ? payload.clientId : undefined;
  const [row] = named ? [] : await tx.select({ clientId: applications.clientId }).from(applications).where(eq(applications.id, applicationId)).limit(1);
  const clientId = named ?? row?.clientId;
  if (!clientId) return;
  if (change !== "groups_changed") {
    const ended = await revokeAppGrants(tx, accountId, clientId);
    // A deleted or re-keyed app has its own event; a changed destination or consent says here what it ended.
    if (change === "sign_in_changed" && ended > 0) {
      await recordEvent(tx, {
        accountId,
        action: "app.tokens.revoked",
        actor: { type: "system", id: null },
        target: { type: "application", id: applicationId },
        details: { reason: "application_sign_in_changed", client_id: clientId, grants_ended: ended },
        meta: NO_REQUEST,
      });
    }
    return;
  }
  const holders = await usersWithGrants(tx, accountId, clientId);
  if (holders.length === 0) return;
  afterCommit(tx, async () => {
    const current = await findApplicationByClientId(clientId);
    if (!current) return;
    const gone: string[] = [];
    for (const userId of holders) if (!(await userMayUseApplication(current, userId))) gone.push(userId);
    if (gone.length === 0) return;
    await writeSystem(async (next) => {
      for (const userId of gone) await endPersonsAccess(next, accountId, userId, "not_in_allowed_groups", clientId);
    });
  });
});
