"use server";

import { publicAction } from "@/lib/forms/server-action";
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { SECOND_STEP_DUE, signIn, SignInMustWait } from "@/lib/sign-in/nextauth";
import { assertCredentialsGiven, CredentialsMissing } from "@/lib/sign-in/password-sign-in";
import { formStateFromError } from "@/lib/forms/action-errors";
import { signOutBrowser } from "@/lib/sign-in/sign-out-browser";
import type { FormState } from "@/lib/forms/form-state";
import { providerDiscovery } from "@/lib/idp/discovery";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { getTranslations } from "next-intl/server";
import { credentialsMessage, waitMessage } from "./messages";
import { localPath } from "@/lib/http/local-path";

export const signInAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
  const email = String(formData.get("email") ?? "");
  const password = String(formData.get("password") ?? "");
  try {
    // Said at the fields before Auth.js is asked (which would refuse the same, without the fields).
    assertCredentialsGiven(email, password);
    await signIn("credentials", {
      email,
      password,
      redirectTo: localPath(formData.get("callbackUrl")),
    });
  } catch (err) {
    if (err instanceof CredentialsMissing) return formStateFromError(err, { email }, ["password"]);
    // Success throws Next's redirect, which must propagate; only Auth.js errors are a failed sign-in.
    if (err instanceof SignInMustWait) {
      return { status: "error", message: await waitMessage(err.retryAfterSeconds), values: { email } };
    }
    if (err instanceof AuthError) {
      const code = err instanceof CredentialsSignin ? err.code : undefined;
      // two-factor: the password was right; the second step is on its own page.
      if (code === SECOND_STEP_DUE) redirect(`/login/two-factor?${new URLSearchParams({ callbackUrl: localPath(formData.get("callbackUrl")) })}`);
      return { status: "error", message: await credentialsMessage(code, (await signInOptions()).ldapEnabled), values: { email } };
    }
    throw err;
  }
  return { status: "success" };
});

/**
 * "Sign in with <provider>": checks that the provider answers before sending
 * the person there, so a provider that is down gets a clear message here
 * instead of an error page, and the rest of the sign-in page keeps working.
 */
export const signInWithProviderAction = publicAction(async (providerId: string, _prev: FormState, formData: FormData): Promise<FormState> => {
  const provider = (await signInOptions()).providers.find((p) => p.id === String(providerId));
  const t = await getTranslations("publicPages.signInProblems");
  if (!provider) return { status: "error", message: t("optionGone") };
  // Cached (with a back-off after failure): anonymous clicks never make Latchkey call the provider at will.
  const reachable = await providerDiscovery(provider);
  // Why (refused, unknown host, the address tried) is the admin's diagnosis, for Test connection: a visitor of
  // this page learns only that it is unavailable (review 20).
  if (!reachable.ok) return { status: "error", message: t("providerUnreachable", { name: provider.name }) };
  const failed = { status: "error" as const, message: t("providerCouldNotStart", { name: provider.name }) };
  let next: string;
  try {
    next = await signIn(provider.id, { redirectTo: localPath(formData.get("callbackUrl")), redirect: false });
  } catch (err) {
    if (err instanceof AuthError) return failed;
    throw err;
  }
  // Auth.js answers a failure with a link to our error page; say it here, beside the button.
  if (/\/login\?(.*&)?error=/.test(next)) return failed;
  redirect(next);
});

/**
 * "Use another account" on the page that asks a signed-in person to confirm it's them (an app asked for a
 * fresh sign-in): signs out, then the ordinary sign-in page, still on its way back to the app.
 */
export const useAnotherAccountAction = publicAction(async (formData: FormData): Promise<void> => {
  await signOutBrowser({ callbackUrl: localPath(formData.get("callbackUrl")) });
});
