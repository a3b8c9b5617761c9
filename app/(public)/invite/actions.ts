"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";

export async function acceptInviteAction(token: string, _prev: FormState, formData: FormData): Promise<FormState> {
  let email: string;
  try {
    assertConfirmed(formData, "password");
    const { password } = parseOrThrow(acceptInviteSchema, { password: formData.get("password") });
    ({ email } = await acceptInvite(token, password, requestMeta(await headers())));
  } catch (err) {
    return formStateFromError(err);
  }
  redirect(`/login?invited=1&email=${encodeURIComponent(email)}`);
}
