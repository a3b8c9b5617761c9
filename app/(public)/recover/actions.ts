"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { assertConfirmed, formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInviteSchema } from "@/lib/invites/schemas";
import { recoverOwnerWithLink } from "@/lib/users/owner-recovery";

/** The owner's new password through a one-time recovery link (lib/users/owner-recovery.ts). */
export const recoverOwnerAction = publicAction(async (token: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    assertConfirmed(formData, "password");
    // The same rule as every new password (acceptInviteSchema is { password: newPasswordSchema }).
    const { password } = parseOrThrow(acceptInviteSchema, { password: formData.get("password") });
    await recoverOwnerWithLink(token, password, requestMeta(await headers()));
  } catch (err) {
    return formStateFromError(err);
  }
  return { status: "success", message: (await getTranslations("publicPages.recover"))("done") };
});
