"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { removeLogo, updateAppearance } from "@/lib/appearance/settings";

/** The name shows on every page's tab title and on the public pages: all of them are rendered again. */
function revalidateEverywhere() {
  revalidatePath("/", "layout");
}

/** Settings → Appearance, the name. (The logo is uploaded to the API: its size is beyond a form post's limit.) */
export const saveInstanceNameAction = serverAction({ needs: "settings:appearance" }, async (actor, _prev: FormState, formData: FormData): Promise<FormState> => {
  const values = formValues(formData, ["name"]);
  try {
    await updateAppearance(actor, { name: formData.get("name") ?? "" }, requestMeta(await headers()));
    revalidateEverywhere();
    return { status: "success", message: (await getTranslations("appearance"))("instance.nameSaved") };
  } catch (err) {
    return formStateFromError(err, values);
  }
});

export const removeLogoAction = serverAction({ needs: "settings:appearance" }, async (actor, _prev: FormState, _formData: FormData): Promise<FormState> => {
  try {
    await removeLogo(actor, requestMeta(await headers()));
    revalidateEverywhere();
    return { status: "success", message: (await getTranslations("appearance"))("instance.removed") };
  } catch (err) {
    return formStateFromError(err);
  }
});
