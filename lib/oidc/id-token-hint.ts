/**
 * Whom an app's authorization request names with `id_token_hint` (OpenID Connect Core §3.1.2.1): "If the End-User
 * identified by the ID Token is logged in or is logged in by the request, then the Authorization Server returns a
 * positive response; otherwise, it SHOULD return an error, such as login_required".
 *
 * oidc-provider holds a silent request (prompt=none) to it, but leaves the interaction to decide every other one:
 * it checks the hint when the request arrives, not when the interaction resumes it. Latchkey's interaction
 * (lib/sign-in/app-sign-in.ts) asks this.
 */
import "server-only";
import { decodeJwt } from "jose";

/**
 * The `sub` of the request's id_token_hint, or undefined without one. Only decoded, not verified again: the
 * provider verified it when the request arrived (its own signature, its issuer, this app as the audience:
 * oidc-provider's check_id_token_hint, which refuses the request otherwise), and these are the request's
 * parameters as the provider stored them with the interaction, not anything the browser sends now.
 */
export function hintedSubject(params: { id_token_hint?: unknown }): string | undefined {
  const hint = params.id_token_hint;
  if (typeof hint !== "string") return undefined;
  const sub = decodeJwt(hint).sub;
  return typeof sub === "string" ? sub : undefined;
}
