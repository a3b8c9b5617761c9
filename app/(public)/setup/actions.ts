"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getLocale } from "next-intl/server";
import { parseLocale } from "@/i18n/locales";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError, formValues, PASSWORD_FIELDS } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { prefillSignInWith } from "@/lib/sign-in/sign-in-as-cookie";
import { parseOrThrow } from "@/lib/http/validation";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";

export const createOwnerAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["email", "username", "name"]);
  try {
    assertConfirmed(formData, "password");
    const input = parseOrThrow(setupInputSchema, { ...values, password: formData.get("password") });
    // The page's language (chosen, or the browser's) becomes the instance's language for mail.
    await completeSetup(input, { ...requestMeta(await headers()), locale: parseLocale(await getLocale()) ?? null });
  } catch (err) {
    return formStateFromError(err, values, PASSWORD_FIELDS);
  }
  // The address to sign in with goes in a short-lived cookie, not the sign-in page's address (history).
  await prefillSignInWith(values.email.trim());
  redirect("/login?setup=done");
});
