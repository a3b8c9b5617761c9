"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { assertConfirmed, formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { linkToken } from "@/lib/http/link-token";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInviteSchema } from "@/lib/invites/schemas";
import { recoverOwnerWithLink } from "@/lib/users/owner-recovery";

/**
 * The owner's new password through a one-time recovery link (lib/users/owner-recovery.ts), whose token is in its
 * cookie (lib/http/link-cookie.ts). After success the form has the browser forget it (components/auth/forget-link.tsx):
 * clearing it here would make Next.js render the page again, without the link, over the success it shows.
 */
export const recoverOwnerAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  try {
    assertConfirmed(formData, "password");
    // The same rule as every new password (acceptInviteSchema is { password: newPasswordSchema }).
    const { password } = parseOrThrow(acceptInviteSchema, { password: formData.get("password") });
    const link = await linkToken("recover");
    await recoverOwnerWithLink(link.token, password, requestMeta(await headers()));
    // The link used, by its fingerprint: the form's success has the browser forget this link and no other.
    return { status: "success", message: (await getTranslations("publicPages.recover"))("done"), result: { link: link.fingerprint ?? "" } };
  } catch (err) {
    return formStateFromError(err);
  }
});
