/** Field schemas shared by every form and API route that takes a person's details. */
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { hasUnsafeDisplayCharacters, NAME_UNSAFE_CHARACTERS } from "@/lib/format/display-text";

export { NAME_UNSAFE_CHARACTERS };


export const emailSchema = z
  .string({ error: textError("Email") })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }));

/** The longest name a person may type; names from elsewhere are cut to it (lib/users/name-cleanup.ts). */
export const NAME_MAX_LENGTH = 100;

/**
 * A person's name, typed (users, invites, setup, Profile): one line of visible text, since others read it,
 * invite mails included (lib/format/display-text.ts; names from a directory or a provider are cleaned instead).
 */
export const nameSchema = z
  .string({ error: textError("Name") })
  .trim()
  .max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
  .refine((name) => !hasUnsafeDisplayCharacters(name), NAME_UNSAFE_CHARACTERS);

/**
 * A name that must be given: a service user's, and a person's once they have one to change (Edit user,
 * Profile → Name). One rule for both, so nobody blanks a name the admin's form would refuse.
 */
export const requiredNameSchema = nameSchema.min(1, "Name is required");

/** An optional field's blank value (a form's empty input, "" from a client) means "none given": for z.preprocess. */
export const blankIsNone = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
