"use server";

import { serverAction } from "@/lib/forms/server-action";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { parseLocale } from "@/i18n/locales";
import { setOwnLocale } from "@/lib/users/profile";

/** The language picked in the avatar menu or on Profile, remembered on the person for their mail ("auto": the instance's). */
export const rememberLanguageAction = serverAction({ needs: "own_account" }, async (actor, choice: string, _prev: FormState): Promise<FormState> => {
  try {
    await setOwnLocale(actor, parseLocale(String(choice)) ?? null);
    return { status: "success" };
  } catch (err) {
    return formStateFromError(err);
  }
});
