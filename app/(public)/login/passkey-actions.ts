"use server";

import { publicAction } from "@/lib/forms/server-action";
import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { signIn, SignInMustWait } from "@/lib/sign-in/nextauth";
import { setPasskeyCookie } from "@/lib/sign-in/passkey-cookie";
import { getTranslations } from "next-intl/server";
import { credentialsMessage, waitMessage } from "./messages";
import type { FormState } from "@/lib/forms/form-state";
import { PreconditionFailed, RateLimited } from "@/lib/errors";
import { requestMeta } from "@/lib/http/request-meta";
import { newPasskeyBinding, PasskeySignInFailed, passwordlessOptions } from "@/lib/sign-in/passkey-sign-in";
import { localPath } from "@/lib/http/local-path";
import { NOT_THE_PERSON } from "@/lib/sessions/only-person";

/** A challenge for this browser (bound by a fresh cookie) and the options for navigator.credentials.get. */
export const passkeyOptionsAction = publicAction(async (): Promise<FormState> => {
  const binding = newPasskeyBinding();
  try {
    const options = await passwordlessOptions(binding, requestMeta(await headers()));
    await setPasskeyCookie(binding);
    return { status: "success", result: { options: JSON.stringify(options) } };
  } catch (err) {
    if (err instanceof RateLimited) return { status: "error", message: err.message };
    if (err instanceof PreconditionFailed || err instanceof PasskeySignInFailed) return { status: "error", message: (await getTranslations("publicPages.passkey"))("needPublicUrl") };
    throw err;
  }
});

/** The browser's answer; Auth.js makes the session ("passkey" provider). */
export const passkeySignInAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const response = formData.get("response");
  try {
    await signIn("passkey", { response: typeof response === "string" ? response : "", redirectTo: localPath(formData.get("callbackUrl")) });
  } catch (err) {
    if (err instanceof SignInMustWait) return { status: "error", message: await waitMessage(err.retryAfterSeconds) };
    // A passkey of someone else than the person an app asked to confirm it's them is told so (lib/sessions/only-person.ts).
    if (err instanceof CredentialsSignin && err.code === NOT_THE_PERSON) return { status: "error", message: await credentialsMessage(err.code, false) };
    if (err instanceof AuthError) return { status: "error", message: (await getTranslations("publicPages.signInProblems"))("passkeyFailed") };
    throw err;
  }
  return { status: "success" };
});
