"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { sendPasswordResetLink } from "@/lib/users/password-reset";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { assertConfirmed, bulkFailures, formStateFromError, formValues } from "@/lib/forms/action-errors";
import { PROOF_FIELDS, proofOf } from "@/lib/forms/proof-fields";
import { changedIn, setIn } from "@/lib/forms/changed-fields";
import { keptList, type FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { resetPasswordSchema, resetUserPassword, revokeUserSessions } from "@/lib/users/access-control";
import { createUser, deleteUser, setUserBlocked, updateUser } from "@/lib/users/lifecycle";
import { EMAIL_VERIFIED_SHOWN } from "@/lib/users/form-fields";
import { userLabel } from "@/lib/users/records";
import { unlockUser } from "@/lib/users/sign-in-lock";
import { approveUser, rejectUser } from "@/lib/users/approval";
import { bulkUpdateUsers, bulkUsersSchema } from "@/lib/users/bulk";
import { createUserSchema, updateUserSchema } from "@/lib/users/schemas";
import { assertTransferConfirmed } from "@/lib/users/transfer-confirmation";

const meta = async () => requestMeta(await headers());

function refreshUserPages(userId?: string) {
  revalidatePath("/team/users");
  // The edit form is also on a service user's page.
  revalidatePath("/team/service-users");
  if (userId) {
    revalidatePath(`/team/users/${userId}`);
    revalidatePath(`/team/service-users/${userId}`);
  }
}

export const createUserAction = serverAction({ needs: "users:create" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["email", "username", "name", "role"]);
  try {
    const input = parseOrThrow(createUserSchema, { ...values, is_service_user: false, auto_groups: formData.getAll("auto_groups") });
    const { user, password } = await createUser(actor, input, await meta());
    refreshUserPages();
    return { status: "success", result: { id: user.id, name: userLabel(user), password: password ?? "" } };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

/** Applies only the fields the person changed (see lib/forms/changed-fields), so a stale form reverts nothing. */
export const updateUserAction = serverAction({ needs: "users:update", or: "service_users:update" }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values: Record<string, string> = { ...formValues(formData, ["email", "email_verified", "username", "name", "role"]), auto_groups: keptList(formData, "auto_groups") };
  const changed = changedIn(formData);
  const proofShown = formData.get(EMAIL_VERIFIED_SHOWN) === "1";
  let transferred = false;
  try {
    const fields = parseOrThrow(updateUserSchema.omit({ auto_groups: true }).partial(), {
      name: changed("name") ? values.name : undefined,
      email: changed("email") ? values.email : undefined,
      email_verified: proofShown && changed("email_verified") ? values.email_verified === "on" : undefined,
      username: changed("username") ? values.username : undefined,
      role: changed("role") ? values.role : undefined,
    });
    // The groups ticked and unticked since the form loaded, applied to what is stored by updateUser.
    const input = { ...fields, auto_groups: changed("auto_groups") ? setIn(formData, "auto_groups") : undefined };
    assertTransferConfirmed(formData, input.role === "owner" && userId !== actor.userId);
    const wasOwner = actor.role === "owner";
    // A transfer asks for proof it's the owner (the password or a code; never kept in values).
    const updated = await updateUser(actor, userId, input, await meta(), proofOf(formData));
    refreshUserPages(userId);
    transferred = wasOwner && updated.role === "owner" && userId !== actor.userId;
  } catch (err) {
    return formStateFromError(err, values, PROOF_FIELDS);
  }
  // After a transfer the actor is an admin and the form is gone: say so on the page itself.
  if (transferred) redirect(`/team/users/${userId}?transferred=1`);
  return { status: "success", message: (await getTranslations("usersPage.toasts"))("saved") };
});

export const setBlockedAction = serverAction({ needs: "users:block", or: "service_users:update" }, async (actor, userId: string, isBlocked: boolean, _prev: FormState): Promise<FormState> => {
  try {
    await setUserBlocked(actor, userId, isBlocked, await meta());
    refreshUserPages(userId);
    const t = await getTranslations("usersPage.toasts");
    return { status: "success", message: isBlocked ? t("blocked") : t("unblocked") };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const resetPasswordAction = serverAction({ needs: "users:reset_password" }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const mode = formData.get("mode");
    if (mode === "type") assertConfirmed(formData, "password");
    const input = parseOrThrow(resetPasswordSchema, mode === "type" ? { password: formData.get("password") } : {});
    const { password } = await resetUserPassword(actor, userId, input, await meta());
    refreshUserPages(userId);
    return {
      status: "success",
      message: (await getTranslations("usersPage.toasts"))("passwordReset"),
      result: password ? { password } : undefined,
    };
  } catch (err) {
    // A typed password and its confirmation are shown but never sent back: a refusal is said at them.
    return formStateFromError(err, undefined, ["password", "confirm_password"]);
  }
});

export const revokeSessionsAction = serverAction({ needs: "users:revoke_sessions", selfArg: 0 }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const { revoked, tokens_deleted } = await revokeUserSessions(actor, userId, { revoke_tokens: formData.get("revoke_tokens") === "on" }, await meta());
    refreshUserPages(userId);
    const t = await getTranslations("usersPage.toasts");
    const sessions = t("sessionsEnded", { count: revoked });
    const tokens = formData.get("revoke_tokens") === "on" ? `, ${t("tokensRevoked", { count: tokens_deleted })}` : "";
    return { status: "success", message: `${sessions}${tokens}` };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const deleteUserAction = serverAction({ needs: "users:delete", or: "service_users:delete" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    await deleteUser(actor, userId, await meta());
  } catch (err) {
    return formStateFromError(err);
  }
  refreshUserPages();
  redirect("/team/users?deleted=1");
});

export const unlockUserAction = serverAction({ needs: "users:unlock" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    const { was_locked } = await unlockUser(actor, userId, await meta());
    refreshUserPages(userId);
    const t = await getTranslations("usersPage.toasts");
    return { status: "success", message: was_locked ? t("unlocked") : t("notLocked") };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const approveUserAction = serverAction({ needs: "users:block" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    await approveUser(actor, userId, await meta());
    refreshUserPages(userId);
    return { status: "success", message: (await getTranslations("usersPage.toasts"))("approved") };
  } catch (err) {
    return formStateFromError(err);
  }
});

export const rejectUserAction = serverAction({ needs: "users:delete" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    await rejectUser(actor, userId, await meta());
  } catch (err) {
    return formStateFromError(err);
  }
  refreshUserPages();
  redirect("/team/users?rejected=1");
});

import type { BulkOutcome } from "@/components/users/bulk-selection";
export type { BulkOutcome };

/** Team → Users' bulk actions: each selected user through the single action's rules (lib/users/bulk.ts). */
export const bulkUsersAction = serverAction({ needs: "users:block", byFirstArg: { delete: "users:delete" } }, async (actor, action: string, userIds: string[]): Promise<BulkOutcome> => {
  try {
    const input = parseOrThrow(bulkUsersSchema, { action, user_ids: userIds });
    const results = await bulkUpdateUsers(actor, input, await meta());
    refreshUserPages();
    return {
      status: "success",
      done: results.filter((r) => r.ok).map((r) => r.id),
      failures: await bulkFailures(results),
    };
  } catch (err) {
    const state = formStateFromError(err);
    return { status: "error", message: state.message ?? (await getTranslations("usersPage.toasts"))("nothingChanged") };
  }
});

/** email: an admin's "Send reset link" (the person sets a new password from the mail). */
export const sendResetLinkAction = serverAction({ needs: "users:reset_password" }, async (actor, userId: string, _prev: FormState): Promise<FormState> => {
  try {
    const { email } = await sendPasswordResetLink(actor, userId, await meta());
    refreshUserPages(userId);
    return { status: "success", message: (await getTranslations("serverMessages"))("resetLinkOnItsWay", { email }) };
  } catch (err) {
    return formStateFromError(err);
  }
});
