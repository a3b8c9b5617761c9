/**
 * What the sign-in page says for each way a sign-in can end without a
 * session. Codes come from lib/sign-in/nextauth.ts (the form and the proxy)
 * and from Auth.js's own error redirects (?error=…) after a provider.
 */
import { REFUSAL_REASONS, refusalMessage, type RefusalReason } from "@/lib/idp/external-sign-in";

export function credentialsMessage(code: string | undefined, usernames: boolean): string {
  // The form's own action says exactly how long (SignInMustWait carries it); a bare code can't.
  if (code === "rate_limited") return "Too many attempts. Try again in a few minutes.";
  if (code === "passkey_failed") return "That passkey could not sign you in. Try again, or sign in with your password.";
  if (code === "directory_unavailable") return "The LDAP directory can't be reached right now. Try again in a moment.";
  if (code?.startsWith("refused_")) {
    const reason = code.slice("refused_".length) as RefusalReason;
    if (REFUSAL_REASONS.includes(reason)) return refusalMessage(reason, "The directory");
  }
  return usernames ? "Invalid username or password" : "Invalid email or password";
}

/** The message for /login?error=…, or null for an unknown code. */
export function signInErrorMessage(error: string | undefined, providerName: string | null): string | null {
  if (!error) return null;
  const name = providerName ?? "The identity provider";
  if (error.startsWith("refused_")) {
    const reason = error.slice("refused_".length) as RefusalReason;
    if (REFUSAL_REASONS.includes(reason)) return refusalMessage(reason, name);
  }
  switch (error) {
    case "provider_disabled":
      return `${name} is not enabled for sign-in any more.`;
    case "proxy_header_missing":
      return "Your sign-in proxy did not identify you. Sign in below.";
    case "AccessDenied":
      return "Sign-in was refused.";
    case "CredentialsSignin":
      return null;
    case "second_step_expired":
      return "Your sign-in timed out or was replaced by a newer one. Sign in again.";
    default:
      // Configuration, OAuthCallbackError, a cancelled sign-in, a provider that went down mid-way.
      return `Sign-in with ${providerName ?? "the identity provider"} did not complete: the provider may be unavailable or refused the request. Try again, or sign in another way.`;
  }
}
