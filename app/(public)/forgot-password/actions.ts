"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { prefillSignInWith } from "@/lib/sign-in/sign-in-as-cookie";
import { confirmEmailChange } from "@/lib/users/email-change";
import { requestPasswordReset, resetPasswordWithToken } from "@/lib/users/password-reset";

/** "Forgot password?": the same answer whatever the email. */
export const forgotPasswordAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["email"]);
  try {
    // The same answer whatever the email (lib's FORGOT_PASSWORD_ANSWER), in the reader's language.
    await requestPasswordReset(formData.get("email") ?? "", requestMeta(await headers()));
    return { status: "success", message: (await getTranslations("publicPages.resetPassword"))("forgotAnswer"), values };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const resetPasswordAction = publicAction(async (token: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  let email: string | null;
  try {
    assertConfirmed(formData, "password");
    ({ email } = await resetPasswordWithToken({ token, password: formData.get("password") }, requestMeta(await headers())));
  } catch (err) {
    return formStateFromError(err);
  }
  // The address to sign in with goes in a short-lived cookie, not the sign-in page's address (history).
  if (email) await prefillSignInWith(email);
  redirect("/login?reset=1");
});

export const confirmEmailAction = publicAction(async (token: string, _prev: FormState): Promise<FormState> => {
  try {
    const { email } = await confirmEmailChange({ token }, requestMeta(await headers()));
    return { status: "success", message: (await getTranslations("publicPages.confirmEmail"))("done", { email }) };
  } catch (err) {
    return formStateFromError(err);
  }
});
