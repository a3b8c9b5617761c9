"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError, formValues } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";
import { prefillSignInWith } from "@/lib/sign-in/sign-in-as-cookie";

export const acceptInviteAction = publicAction(async (token: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  let signInAs: string;
  const values = formValues(formData, ["username"]);
  try {
    assertConfirmed(formData, "password");
    const { password, username } = parseOrThrow(acceptInviteSchema, { password: formData.get("password"), username: values.username });
    const accepted = await acceptInvite(token, password, requestMeta(await headers()), undefined, username);
    // usernames: the sign-in form is prefilled with the email, or the username when there is none.
    signInAs = accepted.email ?? accepted.username;
  } catch (err) {
    return formStateFromError(err, values);
  }
  // Whom to sign in as goes in a short-lived cookie, not the sign-in page's address (history).
  await prefillSignInWith(signInAs);
  redirect("/login?invited=1");
});
