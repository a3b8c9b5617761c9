/** Texts of the two-factor policy's rules, shared by the schema (lib/mfa/policy.ts) and the form's catalog keys. */
import { MFA_REQUIREMENTS } from "@/lib/db/schema";

/** The refusal names the API's values: an API caller has no radio buttons to see them on. */
export const REQUIRE_FOR_TEXT = `Choose who must use two-factor sign-in: ${MFA_REQUIREMENTS.join(", ")}`;

/**
 * The refusal to remove the last second factor of someone the requirement covers (lib/mfa/policy.ts
 * assertKeepsRequiredFactor): it names the setting and says what to do instead.
 */
export const LAST_FACTOR_REQUIRED =
  "Settings → Security requires two-factor sign-in for you, so your last second factor can't be removed: add another one (an authenticator app or a passkey) first";
