"use server";

import { getTranslations } from "next-intl/server";
import { serverAction } from "@/lib/forms/server-action";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { PROOF_FIELDS, proofOf } from "@/lib/forms/proof-fields";
import { requestMeta } from "@/lib/http/request-meta";
import { resetTwoFactor } from "@/lib/mfa/admin";

/** An admin's "Reset two-factor" on a user's page, with the admin's own proof (lib/mfa/admin.ts resetNeedsProof). */
export const resetTwoFactorAction = serverAction({ needs: "users:reset_two_factor" }, async (actor, userId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    const { sessionsEnded } = await resetTwoFactor(actor, userId, requestMeta(await headers()), proofOf(formData));
    revalidatePath("/team/users");
    revalidatePath(`/team/users/${userId}`);
    return { status: "success", message: (await getTranslations("usersPage.toasts"))("twoFactorReset", { count: sessionsEnded }) };
  } catch (err) {
    return formStateFromError(err, undefined, PROOF_FIELDS);
  }
});
