"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError, formValues, PASSWORD_FIELDS } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { forgetLinkToken, linkToken } from "@/lib/http/link-token";
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

/** The reset link's token is in its cookie (lib/http/link-cookie.ts), never in the page or the form. */
export const resetPasswordAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  let email: string | null;
  try {
    assertConfirmed(formData, "password");
    const { token } = await linkToken("reset");
    ({ email } = await resetPasswordWithToken({ token, password: formData.get("password") }, requestMeta(await headers())));
  } catch (err) {
    return formStateFromError(err, {}, PASSWORD_FIELDS);
  }
  // The link is used: the browser forgets it; the address to sign in with goes in a short-lived cookie, not the
  // sign-in page's address (history).
  await forgetLinkToken("reset");
  if (email) await prefillSignInWith(email);
  redirect("/login?reset=1");
});

/**
 * The link's token is in its cookie (lib/http/link-cookie.ts). After success the form has the browser forget it
 * (components/auth/forget-link.tsx): clearing it here would make Next.js render the page again, without the link.
 */
export const confirmEmailAction = publicAction(async (_prev: FormState): Promise<FormState> => {
  try {
    const { token, fingerprint } = await linkToken("confirmEmail");
    const { email } = await confirmEmailChange({ token }, requestMeta(await headers()));
    // The link used, by its fingerprint: the form's success has the browser forget this link and no other.
    return { status: "success", message: (await getTranslations("publicPages.confirmEmail"))("done", { email }), result: { link: fingerprint ?? "" } };
  } catch (err) {
    return formStateFromError(err);
  }
});
