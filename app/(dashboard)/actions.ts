"use server";

import { publicAction, serverAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { signOutBrowser } from "@/lib/sign-in/sign-out-browser";
import type { SessionActor } from "@/lib/auth/actor";
import { assertConfirmed, formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { changeOwnPassword, changePasswordSchema } from "@/lib/users/password";
import { localPath } from "@/lib/http/local-path";

export const signOutAction = publicAction(async (): Promise<void> => {
  await signOutBrowser();
});

export const changePasswordAction = serverAction({ needs: "own_account", duringPasswordChange: true }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  return submitPasswordChange(actor, formData);
});

/**
 * The first sign-in with a generated or reset password: choose a new one, then go on to where the
 * sign-in was headed (an app's sign-in waiting at /oidc/interaction/…, else the dashboard).
 */
export const requiredPasswordChangeAction = serverAction({ needs: "own_account", duringPasswordChange: true }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const state = await submitPasswordChange(actor, formData);
  if (state.status === "success") redirect(localPath(formData.get("callbackUrl")));
  return state;
});

async function submitPasswordChange(actor: SessionActor, formData: FormData): Promise<FormState> {
  try {
    assertConfirmed(formData, "new_password");
    const input = parseOrThrow(changePasswordSchema, {
      old_password: formData.get("old_password"),
      new_password: formData.get("new_password"),
      revoke_tokens: formData.get("revoke_tokens") === "on",
    });
    await changeOwnPassword(actor, actor.userId, input, requestMeta(await headers()));
    const t = await getTranslations("serverMessages");
    return { status: "success", message: t("passwordChangedSignedOut", { tokens: input.revoke_tokens ? "yes" : "no" }) };
  } catch (err) {
    return formStateFromError(err, undefined, ["old_password", "new_password", "confirm_password"]);
  }
}
