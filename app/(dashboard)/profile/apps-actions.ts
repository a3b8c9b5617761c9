"use server";

import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { withdrawAppAccess } from "@/lib/oidc/grants";

/** Profile → Apps you signed in to → Revoke access: that app's grants and tokens end now. */
export const withdrawAppAccessAction = serverAction({ needs: "own_account" }, async (actor, clientId: string, _prev: FormState): Promise<FormState> => {
  try {
    await withdrawAppAccess(actor, String(clientId).slice(0, 100), requestMeta(await headers()));
    revalidatePath("/profile");
    return { status: "success", message: (await getTranslations("profilePage.apps"))("revoked") };
  } catch (err) {
    return formStateFromError(err);
  }
});
