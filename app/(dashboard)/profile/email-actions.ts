"use server";

import { serverAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { requestEmailChange, requestEmailConfirmation } from "@/lib/users/email-change";

/** email: asks the new address to confirm; the email changes only then. */
export const requestEmailChangeAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["email"]);
  try {
    const input = { email: formData.get("email"), current_password: formData.get("current_password") ?? undefined };
    const { email } = await requestEmailChange(actor, input, requestMeta(await headers()));
    return { status: "success", message: (await getTranslations("profilePage.email"))("linkSent", { email }) };
  } catch (err) {
    return formStateFromError(err, values, ["current_password"]);
  }
});

/** "Confirm this address": the link goes to the person's current address; following it proves it. */
export const requestEmailConfirmationAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState): Promise<FormState> => {
  try {
    const { email } = await requestEmailConfirmation(actor, requestMeta(await headers()));
    return { status: "success", message: (await getTranslations("profilePage.email"))("confirmLinkSent", { email }) };
  } catch (err) {
    return formStateFromError(err, {});
  }
});
