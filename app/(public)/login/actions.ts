"use server";

import { publicAction } from "@/lib/forms/server-action";
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { SECOND_STEP_DUE, signIn, SignInMustWait } from "@/lib/sign-in/nextauth";
import { waitMessage } from "@/lib/sign-in/password-sign-in";
import type { FormState } from "@/lib/forms/form-state";
import { providerDiscovery } from "@/lib/idp/discovery";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { credentialsMessage } from "./messages";

/** Only local paths, so a crafted link cannot bounce a signed-in person to another site. */
function safeCallbackPath(value: FormDataEntryValue | null): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/";
}

export const signInAction = publicAction(async (_prev: FormState, formData: FormData): Promise<FormState> => {
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
      const code = err instanceof CredentialsSignin ? err.code : undefined;
      // two-factor: the password was right; the second step is on its own page.
      if (code === SECOND_STEP_DUE) redirect(`/login/two-factor?${new URLSearchParams({ callbackUrl: safeCallbackPath(formData.get("callbackUrl")) })}`);
      return { status: "error", message: credentialsMessage(code, (await signInOptions()).ldapEnabled), values: { email } };
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
  if (!provider) return { status: "error", message: "This sign-in option is not available any more. Reload the page." };
  // Cached (with a back-off after failure): anonymous clicks never make Latchkey call the provider at will.
  const reachable = await providerDiscovery(provider);
  if (!reachable.ok) {
    return { status: "error", message: `${provider.name} is unavailable right now: ${reachable.message} Try again later, or sign in another way.` };
  }
  const failed = { status: "error" as const, message: `Sign-in with ${provider.name} could not start: the provider may be unavailable or misconfigured. Try again later, or sign in another way.` };
  let next: string;
  try {
    next = await signIn(provider.id, { redirectTo: safeCallbackPath(formData.get("callbackUrl")), redirect: false });
  } catch (err) {
    if (err instanceof AuthError) return failed;
    throw err;
  }
  // Auth.js answers a failure with a link to our error page; say it here, beside the button.
  if (/\/login\?(.*&)?error=/.test(next)) return failed;
  redirect(next);
});
