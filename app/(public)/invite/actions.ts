"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { Invalid } from "@/lib/errors";
import { formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";

export async function acceptInviteAction(token: string, _prev: FormState, formData: FormData): Promise<FormState> {
  let email: string;
  try {
    if (formData.get("password") !== formData.get("confirm_password")) {
      throw new Invalid("Please fix the highlighted fields", { confirm_password: ["Passwords do not match"] });
    }
    const { password } = parseOrThrow(acceptInviteSchema, { password: formData.get("password") });
    ({ email } = await acceptInvite(token, password, requestMeta(await headers())));
  } catch (err) {
    return formStateFromError(err);
  }
  redirect(`/login?invited=1&email=${encodeURIComponent(email)}`);
}
