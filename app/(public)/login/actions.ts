"use server";

import { AuthError } from "next-auth";
import { signIn, SignInMustWait } from "@/lib/auth/nextauth";
import { SIGN_IN_FAILED, waitMessage } from "@/lib/auth/password-sign-in";
import type { FormState } from "@/lib/forms/form-state";

/** Only local paths, so a crafted link cannot bounce a signed-in person to another site. */
function safeCallbackPath(value: FormDataEntryValue | null): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/";
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const email = String(formData.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(formData.get("password") ?? ""),
      redirectTo: safeCallbackPath(formData.get("callbackUrl")),
    });
  } catch (err) {
    // Success throws Next's redirect, which must propagate; only Auth.js errors are a failed sign-in.
    if (err instanceof SignInMustWait) {
      return { status: "error", message: waitMessage(err.retryAfterSeconds), values: { email } };
    }
    if (err instanceof AuthError) {
      return { status: "error", message: SIGN_IN_FAILED, values: { email } };
    }
    throw err;
  }
  return { status: "success" };
}
