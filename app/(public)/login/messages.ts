/**
 * What the sign-in page says for each way a sign-in can end without a
 * session. Codes come from lib/sign-in/nextauth.ts (the form and the proxy)
 * and from Auth.js's own error redirects (?error=…) after a provider.
 * Said in the reader's language (messages: publicPages.signInProblems).
 */
import { getTranslations } from "next-intl/server";
import { CREDENTIALS_MISSING } from "@/lib/sign-in/nextauth";
import { sayMessage } from "@/lib/errors";
import { REFUSAL_REASONS, refusalRef, type RefusalReason } from "@/lib/idp/external-sign-in";
import { NOT_THE_PERSON } from "@/lib/sessions/only-person";
import { instanceAccountId } from "@/lib/instance/account";
import { mailIsOn } from "@/lib/mail/settings";
import { signInOptions } from "@/lib/idp/sign-in-options";

/** "Too many attempts. Try again in N minutes." for a throttle's Retry-After. */
export async function waitMessage(retryAfterSeconds: number): Promise<string> {
  const t = await getTranslations("publicPages.signInProblems");
  return t("wait", { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
}

export async function credentialsMessage(code: string | undefined, usernames: boolean): Promise<string> {
  const t = await getTranslations("publicPages.signInProblems");
  // The form's own action says exactly how long (SignInMustWait carries it); a bare code can't.
  if (code === "rate_limited") return t("rateLimited");
  if (code === "passkey_failed") return t("passkeyFailed");
  // Posted straight to Auth.js with a field left empty (the form's action says it at the field).
  if (code === CREDENTIALS_MISSING) return t("credentialsMissing");
  if (code === "directory_unavailable") return t("directoryUnavailable");
  if (code === NOT_THE_PERSON) return t("notThePerson");
  if (code?.startsWith("refused_")) {
    const reason = code.slice("refused_".length) as RefusalReason;
    if (REFUSAL_REASONS.includes(reason)) return sayMessage(await getTranslations("serverMessages"), refusalRef(reason, { key: "sourceDirectory" }));
  }
  // The same words whether or not the account exists (the API's code stays sign_in.failed); then what to do next:
  // "Forgot password?" only where it can send the link (mail is on, passwords are local), else an admin.
  const accountId = await instanceAccountId();
  const canMail = accountId !== null && (await mailIsOn(accountId)) && (await signInOptions()).localLoginEnabled;
  return t(usernames ? "wrongUsernameOrPassword" : "wrongEmailOrPassword", { forgot: canMail ? "yes" : "no" });
}

/** The message for /login?error=…, or null for an unknown code. */
export async function signInErrorMessage(error: string | undefined, providerName: string | null): Promise<string | null> {
  if (!error) return null;
  const t = await getTranslations("publicPages.signInProblems");
  const name = providerName ?? t("theProvider");
  if (error.startsWith("refused_")) {
    const reason = error.slice("refused_".length) as RefusalReason;
    if (REFUSAL_REASONS.includes(reason)) return sayMessage(await getTranslations("serverMessages"), refusalRef(reason, providerName ?? { key: "sourceIdentityProvider" }));
  }
  switch (error) {
    case "provider_disabled":
      return t("providerDisabled", { name });
    case "proxy_header_missing":
      return t("proxyHeaderMissing");
    case "AccessDenied":
      return t("accessDenied");
    case "CredentialsSignin":
      return null;
    case "second_step_expired":
      return t("secondStepExpired");
    case NOT_THE_PERSON:
      return t("notThePerson");
    default:
      // Configuration, OAuthCallbackError, a cancelled sign-in, a provider that went down mid-way.
      return providerName ? t("providerIncomplete", { name: providerName }) : t("providerIncompleteUnnamed");
  }
}
