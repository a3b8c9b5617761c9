"use server";

import { publicAction } from "@/lib/forms/server-action";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { assertConfirmed, formStateFromError, formValues, PASSWORD_FIELDS } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { forgetLinkToken, linkToken } from "@/lib/http/link-token";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { acceptInvite } from "@/lib/invites/acceptance";
import { acceptInviteSchema } from "@/lib/invites/schemas";
import { prefillSignInWith } from "@/lib/sign-in/sign-in-as-cookie";

/** The invite link's token is in its cookie (lib/http/link-cookie.ts), never in the page or the form. */
export const acceptInviteAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  let signInAs: string;
  const values = formValues(formData, ["username"]);
  try {
    assertConfirmed(formData, "password");
    const { password, username } = parseOrThrow(acceptInviteSchema, { password: formData.get("password"), username: values.username });
    const accepted = await acceptInvite((await linkToken("invite")).token, password, requestMeta(await headers()), undefined, username);
    // usernames: the sign-in form is prefilled with the email, or the username when there is none.
    signInAs = accepted.email ?? accepted.username;
  } catch (err) {
    // The passwords are shown but never sent back: a refusal of one (too common) is said at it, under "fix the highlighted fields".
    return formStateFromError(err, values, PASSWORD_FIELDS);
  }
  // The link is used: the browser forgets it; whom to sign in as goes in a short-lived cookie, not the address.
  await forgetLinkToken("invite");
  await prefillSignInWith(signInAs);
  redirect("/login?invited=1");
});
