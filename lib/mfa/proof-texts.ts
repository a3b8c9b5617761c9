/** The proof step's limits and refusal texts (lib/mfa/proof.ts), shared with the message catalog (no server code here). */
export const RECENT_SIGN_IN_MINUTES = 15;
export const WRONG_TOTP_CODE = "That code is not right. Check your app's clock and try the current code.";
export const CODE_REQUIRED = "Enter the code from your authenticator app";
/** The sign-in's second step takes a code from the app or a recovery code (lib/mfa/second-step.ts). */
export const STEP_CODE_REQUIRED = "Enter the code from your authenticator app or a recovery code";
export const SIGN_IN_AGAIN = `Sign in again first: without a password, a sign-in in the last ${RECENT_SIGN_IN_MINUTES} minutes shows it's you`;

/** What the person must give to prove it's them: "password", "code", or nothing to type ("recent_sign_in"). */
export type ProofKind = "password" | "code" | "recent_sign_in";

/**
 * The changes a proof is for, recorded with a refusal (`mfa.proof.failed`'s `change`); each has a name in
 * every catalog ("events.values.change", the activity page).
 */
export const FACTOR_CHANGES = [
  "passkey.add",
  "passkey.remove",
  "totp.set_up",
  "totp.remove",
  "recovery_codes.regenerate",
  "token.create",
  "ownership.transfer",
  "settings.email",
  "two_factor.reset",
] as const;
export type FactorChange = (typeof FACTOR_CHANGES)[number];
