/** Texts of the two-factor policy's rules, shared by the schema (lib/mfa/policy.ts) and the form's catalog keys. */
import { MFA_REQUIREMENTS } from "@/lib/db/schema";

/** The refusal names the API's values: an API caller has no radio buttons to see them on. */
export const REQUIRE_FOR_TEXT = `Choose who must use two-factor sign-in: ${MFA_REQUIREMENTS.join(", ")}`;
