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
import { useTranslations } from "next-intl";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { ResetPasswordDialog } from "./reset-password-dialog";
import { bindAction } from "@/lib/forms/bind-action";

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
  const t = useTranslations("usersPage.actions");
  const name = user.label;
  return (
    <div className="flex flex-wrap gap-2">
      {allowed.approve && (
        <>
          <ConfirmAction
            label={t("approve")}
            variant="primary"
            title={t("approveTitle", { name })}
            body={t("approveBody")}
            confirmLabel={t("approve")}
            confirmVariant="primary"
            action={bindAction(approveUserAction, user.id)}
          />
          <ConfirmAction
            label={t("reject")}
            variant="danger"
            title={t("rejectTitle", { name })}
            body={t("rejectBody")}
            confirmLabel={t("reject")}
            action={bindAction(rejectUserAction, user.id)}
          />
        </>
      )}
      {allowed.manage && (
        <ConfirmAction
          hideTrigger={!allowed.unlock}
          label={t("unlock")}
          variant="primary"
          title={t("unlockTitle", { name })}
          body={t("unlockBody")}
          confirmLabel={t("unlock")}
          confirmVariant="primary"
          action={bindAction(unlockUserAction, user.id)}
        />
      )}
      {allowed.block && (
        <ConfirmAction
          label={user.isBlocked ? t("unblock") : t("block")}
          title={user.isBlocked ? t("unblockTitle", { name }) : t("blockTitle", { name })}
          body={user.isBlocked ? t("unblockBody") : t("blockBody")}
          confirmLabel={user.isBlocked ? t("unblock") : t("block")}
          confirmVariant={user.isBlocked ? "primary" : "danger"}
          action={bindAction(setBlockedAction, user.id, !user.isBlocked)}
        />
      )}
      {allowed.resetPassword && <ResetPasswordDialog userId={user.id} />}
      {allowed.sendResetLink === true && (
        <ConfirmAction
          label={t("sendResetLink")}
          title={t("sendResetLinkTitle", { name })}
          body={t("sendResetLinkBody")}
          confirmLabel={t("sendLink")}
          confirmVariant="primary"
          action={bindAction(sendResetLinkAction, user.id)}
        />
      )}
      {allowed.sendResetLink === "no-email" && (
        <p className="self-center text-sm text-slate-600">{t("noEmailForLink")}</p>
      )}
      {(allowed.revokeSessions || allowed.manage) && (
        <ConfirmAction
          // Stays mounted once the sessions are gone, so the outcome stays readable.
          hideTrigger={!allowed.revokeSessions}
          label={t("revokeSessions")}
          title={t("revokeSessionsTitle", { name })}
          body={
            <div className="space-y-3">
              <p>{t("revokeSessionsBody")}</p>
              <label className="flex items-start gap-2">
                <input type="checkbox" name="revoke_tokens" className="mt-0.5" />
                <span>{t("alsoRevokeTokens")}</span>
              </label>
            </div>
          }
          confirmLabel={t("revokeSessions")}
          action={bindAction(revokeSessionsAction, user.id)}
        />
      )}
      {allowed.delete && (
        <ConfirmAction
          label={t("delete")}
          variant="danger"
          title={t("deleteTitle", { name })}
          body={t("deleteBody")}
          confirmLabel={t("deleteUser")}
          action={bindAction(deleteUserAction, user.id)}
        />
      )}
    </div>
  );
}
