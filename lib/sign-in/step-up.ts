/**
 * Step-up to two factors: an app asks for Latchkey's two-factor level (acr_values naming
 * urn:latchkey:acr:two-factor: lib/oidc/authentication-context.ts) and the browser's session was made with
 * one factor. As Keycloak's step-up does, the person is asked for more rather than the app being handed the lower
 * level at once: they confirm it's them on /login (the "confirm it's you" mode of ./reauthentication.ts), whose
 * password sign-in asks their second factor (or they use a passkey), and the new session is two factors. Only
 * when that can give two factors: the session's way in asks a second factor (a password, local or the
 * directory's; a session whose way in isn't known counts as one) and the person has one set up. Otherwise, and
 * once they signed in since the request began, the app gets the session as it is and its acr says one factor:
 * acr_values is a voluntary claim (OpenID Connect Core §3.1.2.1, §5.5.1.1), and the app decides what to do with
 * the answer. A silent request (prompt=none) that would need the step gets login_required (lib/oidc/provider.ts).
 */
import "server-only";
import { db } from "@/lib/db/database";
import { hasFactor, mfaSummary } from "@/lib/mfa/records";
import { ACR_TWO_FACTORS, asksForTwoFactors, authenticationContext } from "@/lib/oidc/authentication-context";
import { reauthenticationDue, signedInSinceRequest, type ReauthenticationParams } from "@/lib/oidc/reauthentication";
import type { SessionSignIn } from "@/lib/sessions/sessions";

/** The session's sign-in was one factor, and signing in again would give two (see above). */
export async function couldStepUp(signIn: SessionSignIn, userId: string): Promise<boolean> {
  if (authenticationContext(signIn).acr === ACR_TWO_FACTORS) return false;
  const method = signIn.signInMethod;
  if (method !== null && method !== "password" && !method.startsWith("ldap:")) return false;
  return hasFactor(await mfaSummary(db(), userId));
}

/** The request asks for two factors, the session has one, nobody signed in since the request began, and a new sign-in would give two. */
export async function twoFactorStepUpDue(request: { params: ReauthenticationParams; startedAt: number }, signIn: SessionSignIn, userId: string): Promise<boolean> {
  if (!asksForTwoFactors(request.params.acr_values) || signedInSinceRequest(request, signIn.signedInAt)) return false;
  return couldStepUp(signIn, userId);
}

/** The app's request needs a newer sign-in than the session's: prompt=login, an exceeded max_age, or a step-up to two factors. */
export async function freshSignInDue(request: { params: ReauthenticationParams; startedAt: number }, signIn: SessionSignIn, userId: string, now = Date.now()): Promise<boolean> {
  return reauthenticationDue(request, signIn.signedInAt, now) || (await twoFactorStepUpDue(request, signIn, userId));
}
