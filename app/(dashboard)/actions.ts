"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionActor } from "@/lib/auth/session-actor";
import { signOut } from "@/lib/auth/nextauth";
import { Unauthenticated } from "@/lib/errors";
import { assertConfirmed, formStateFromError } from "@/lib/forms/action-errors";
import type { FormState } from "@/lib/forms/form-state";
import { requestMeta } from "@/lib/http/request-meta";
import { parseOrThrow } from "@/lib/http/validation";
import { signOutSession } from "@/lib/sessions/sign-out";
import { changeOwnPassword, changePasswordSchema } from "@/lib/users/password";

export async function signOutAction(): Promise<void> {
  const actor = await sessionActor();
  if (actor) await signOutSession(actor, requestMeta(await headers()));
  // signed_out=1: behind a trusted proxy, the sign-in page must not sign the person straight back in.
  await signOut({ redirectTo: "/login?signed_out=1" });
}

export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return submitPasswordChange(formData);
}

/** The first sign-in with a generated or reset password: choose a new one, then go on to the dashboard. */
export async function requiredPasswordChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const state = await submitPasswordChange(formData);
  if (state.status === "success") redirect("/");
  return state;
}

async function submitPasswordChange(formData: FormData): Promise<FormState> {
  try {
    const actor = await sessionActor();
    if (!actor) throw new Unauthenticated("Your session has ended. Sign in again.");
    assertConfirmed(formData, "new_password");
    const input = parseOrThrow(changePasswordSchema, {
      old_password: formData.get("old_password"),
      new_password: formData.get("new_password"),
      revoke_tokens: formData.get("revoke_tokens") === "on",
    });
    await changeOwnPassword(actor, actor.userId, input, requestMeta(await headers()));
    const tokens = input.revoke_tokens ? " and your access tokens revoked" : "";
    return { status: "success", message: `Password changed. Your other sessions have been signed out${tokens}.` };
  } catch (err) {
    return formStateFromError(err);
  }
}
