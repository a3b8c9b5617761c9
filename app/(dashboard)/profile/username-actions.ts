"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { changeOwnUsername } from "@/lib/users/own-username";

/** usernames: the person's own username, from Profile (when the owner allows it). */
export const changeOwnUsernameAction = serverAction({ needs: "own_account" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["username"]);
  try {
    await changeOwnUsername(actor, { username: values.username }, requestMeta(await headers()));
    revalidatePath("/profile");
    revalidatePath("/team/users");
    return { status: "success", message: (await getTranslations("profilePage.username"))("saved") };
  } catch (err) {
    return formStateFromError(err, values);
  }
});
