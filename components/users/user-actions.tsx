"use client";

import {
  approveUserAction,
  deleteUserAction,
  rejectUserAction,
  revokeSessionsAction,
  sendResetLinkAction,
  setBlockedAction,
  unlockUserAction,
} from "@/app/(dashboard)/team/users/actions";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { ResetPasswordDialog } from "./reset-password-dialog";

export type AllowedActions = {
  /** Manages users at all (the Unlock dialog stays mounted while its outcome is shown). */
  manage: boolean;
  /** The user waits for an admin's approval, and the actor may approve or reject them. */
  approve: boolean;
  block: boolean;
  unlock: boolean;
  resetPassword: boolean;
  /** email: mail is on and the actor may reset this person's password ("no-email": they have no address). */
  sendResetLink?: boolean | "no-email";
  revokeSessions: boolean;
  delete: boolean;
};

export function UserActions({
  user,
  allowed,
}: {
  user: { id: string; label: string; isBlocked: boolean };
  allowed: AllowedActions;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.approve && (
        <>
          <ConfirmAction
            label="Approve"
            variant="primary"
            title={`Approve ${user.label}?`}
            body="They signed in through an identity provider whose new users wait for approval. Once approved they can sign in."
            confirmLabel="Approve"
            confirmVariant="primary"
            action={approveUserAction.bind(null, user.id)}
          />
          <ConfirmAction
            label="Reject"
            variant="danger"
            title={`Reject ${user.label}?`}
            body="They are removed from Latchkey. Their activity history stays readable."
            confirmLabel="Reject"
            action={rejectUserAction.bind(null, user.id)}
          />
        </>
      )}
      {allowed.manage && (
        <ConfirmAction
          hideTrigger={!allowed.unlock}
          label="Unlock"
          variant="primary"
          title={`Unlock ${user.label}?`}
          body="Sign-in was locked after too many failed attempts. Unlocking lets them try again now; their waiting delays end too."
          confirmLabel="Unlock"
          confirmVariant="primary"
          action={unlockUserAction.bind(null, user.id)}
        />
      )}
      {allowed.block && (
        <ConfirmAction
          label={user.isBlocked ? "Unblock" : "Block"}
          title={`${user.isBlocked ? "Unblock" : "Block"} ${user.label}?`}
          body={
            user.isBlocked
              ? "They will be able to sign in again."
              : "They can't sign in, and their open sessions and access tokens stop working at once."
          }
          confirmLabel={user.isBlocked ? "Unblock" : "Block"}
          confirmVariant={user.isBlocked ? "primary" : "danger"}
          action={setBlockedAction.bind(null, user.id, !user.isBlocked)}
        />
      )}
      {allowed.resetPassword && <ResetPasswordDialog userId={user.id} />}
      {allowed.sendResetLink === true && (
        <ConfirmAction
          label="Send reset link"
          title={`Send ${user.label} a reset link?`}
          body="They get a link by email to set a new password themselves (it works once, for 30 minutes). Their current password keeps working until then."
          confirmLabel="Send link"
          confirmVariant="primary"
          action={sendResetLinkAction.bind(null, user.id)}
        />
      )}
      {allowed.sendResetLink === "no-email" && (
        <p className="self-center text-sm text-slate-600">No email address: a reset link can&apos;t be sent (use Reset password, or add an email)</p>
      )}
      {(allowed.revokeSessions || allowed.manage) && (
        <ConfirmAction
          // Stays mounted once the sessions are gone, so the outcome stays readable.
          hideTrigger={!allowed.revokeSessions}
          label="Revoke sessions"
          title={`Revoke all sessions of ${user.label}?`}
          body={
            <div className="space-y-3">
              <p>Every browser where they are signed in is signed out now.</p>
              <label className="flex items-start gap-2">
                <input type="checkbox" name="revoke_tokens" className="mt-0.5" />
                <span>Also revoke their access tokens (scripts using them stop working)</span>
              </label>
            </div>
          }
          confirmLabel="Revoke sessions"
          action={revokeSessionsAction.bind(null, user.id)}
        />
      )}
      {allowed.delete && (
        <ConfirmAction
          label="Delete"
          variant="danger"
          title={`Delete ${user.label}?`}
          body="The user, their sessions and their access tokens are removed. Their activity history stays readable. This can't be undone."
          confirmLabel="Delete user"
          action={deleteUserAction.bind(null, user.id)}
        />
      )}
    </div>
  );
}
