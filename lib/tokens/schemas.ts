/** Input schema for creating an access token: one for the Create token form and POST /api/users/{id}/tokens. */
import { z } from "zod";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { factorProofSchema } from "@/lib/mfa/proof-schema";
import { permissionListSchema } from "@/lib/roles/schemas";
import { textError } from "@/lib/http/text-input";
import { TOKEN_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH } from "./limits";

const expiryRange = `Expires in must be between ${TOKEN_EXPIRY_DAYS.min} and ${TOKEN_EXPIRY_DAYS.max} days`;

export const createTokenSchema = z.object({
  name: z
    .string({ error: textError("Name") })
    .trim()
    .min(1, "Name is required")
    .max(TOKEN_NAME_MAX_LENGTH, `Name must be at most ${TOKEN_NAME_MAX_LENGTH} characters`)
    // The person's security notice mail quotes it: one line of visible text (lib/format/display-text.ts).
    .refine((name) => !hasUnsafeDisplayCharacters(name), "Name must not contain control characters"),
  /** Days until the token expires. */
  expires_in: z
    .number({ error: "Expires in must be a number of days" })
    .int("Expires in must be a whole number of days")
    .min(TOKEN_EXPIRY_DAYS.min, expiryRange)
    .max(TOKEN_EXPIRY_DAYS.max, expiryRange)
    .default(TOKEN_EXPIRY_DAYS.default),
  /** roles: the token's scope, a subset of its owner's permissions; left out, all of them (as they are at each request). */
  permissions: permissionListSchema.optional(),
});
export type CreateTokenInput = z.output<typeof createTokenSchema>;

/**
 * POST /api/users/{id}/tokens: the token, and for a signed-in person creating their own, the proof it's them
 * ("password", or "code" from their authenticator app; lib/tokens/personal-tokens.ts).
 */
export const createTokenRequestSchema = createTokenSchema.extend(factorProofSchema.partial().shape);
