/**
 * How an app hears how the person signed in: the ID token's `amr` (RFC 8176 values) and `acr` (Latchkey's two
 * levels), from the Latchkey session the sign-in to the app rides on (sessions.sign_in_method and
 * sessions.second_factor: lib/sessions/sign-in-method.ts). oidc-provider keeps both on its session from the
 * interaction's result (lib/sign-in/app-sign-in.ts) and a silent renewal's (./provider.ts), and copies them into
 * the code, the refresh token and every ID token issued from them.
 *
 *  - password (local or the directory's): "pwd";
 *  - an authenticator app's code, or a recovery code (a single-use code kept on paper): "otp";
 *  - a passkey: "swk" and "user". Latchkey doesn't keep whether the key is bound to one device (a security key)
 *    or synced (most passkeys), so it never claims "hwk" (a hardware-secured key) it can't vouch for. Every
 *    passkey Latchkey accepts carried user verification (a PIN or biometric on the authenticator: WebAuthn's UV
 *    flag), so a passwordless passkey sign-in alone is two factors, possession and the PIN or biometric, as
 *    NIST SP 800-63B counts a multi-factor cryptographic authenticator: "mfa", and the two-factor acr;
 *  - an external identity provider or the proxy header: "fed". What the other side asked is not known here
 *    (its own amr is not kept), so it counts as one factor;
 *  - two factors: "mfa" as well (RFC 8176 §2: with the methods themselves).
 * A session from before sessions.second_factor existed has null there: unknown, so nothing beyond what its
 * sign_in_method says (and the one-factor acr); one from before sign_in_method gets no amr at all.
 */
import "server-only";

/** One factor Latchkey vouches for (a password, or whatever an external provider or proxy did). */
export const ACR_ONE_FACTOR = "urn:latchkey:acr:one-factor";
/** Two factors: a password and a code or passkey, or a passkey with user verification. */
export const ACR_TWO_FACTORS = "urn:latchkey:acr:two-factor";
export const ACR_VALUES = [ACR_ONE_FACTOR, ACR_TWO_FACTORS] as const;

export type AuthenticationContext = { acr: string; amr?: string[] };

/** The amr values of a first step (sessions.sign_in_method), or none when it isn't known. */
function firstStepMethods(signInMethod: string | null): string[] {
  if (signInMethod === "password" || signInMethod?.startsWith("ldap:")) return ["pwd"];
  if (signInMethod === "passkey") return ["swk", "user"];
  if (signInMethod === "header" || signInMethod?.startsWith("oidc:")) return ["fed"];
  return [];
}

/** The amr values of a second factor (sessions.second_factor), or none. */
function secondFactorMethods(secondFactor: string | null): string[] {
  if (secondFactor === "totp" || secondFactor === "recovery") return ["otp"];
  if (secondFactor?.startsWith("passkey:")) return ["swk", "user"];
  return [];
}

/** The acr and amr of a sign-in made by `signInMethod` and proved besides by `secondFactor`. */
export function authenticationContext({ signInMethod, secondFactor }: { signInMethod: string | null; secondFactor: string | null }): AuthenticationContext {
  const first = firstStepMethods(signInMethod);
  const methods = [...new Set([...first, ...(signInMethod === "passkey" ? [] : secondFactorMethods(secondFactor))])];
  const twoFactors = signInMethod === "passkey" || (first.length > 0 && first[0] !== "fed" && secondFactorMethods(secondFactor).length > 0);
  if (twoFactors) methods.push("mfa");
  return { acr: twoFactors ? ACR_TWO_FACTORS : ACR_ONE_FACTOR, ...(methods.length > 0 ? { amr: methods } : {}) };
}

/** The app asked for the two-factor level (acr_values, space-separated, as oidc-provider keeps the parameter). */
export function asksForTwoFactors(acrValues: unknown): boolean {
  return typeof acrValues === "string" && acrValues.split(" ").includes(ACR_TWO_FACTORS);
}
