/** What a username may be, and the one derived from an email or a name (shared by forms, the API schema and the server; no database here). */
import { z } from "zod";
import { textError } from "./fields";

export const USERNAME_MAX = 64;
const USERNAME_PATTERN = /^[\p{L}\p{Nd}._-]+$/u;

/** Checked on the NFKC form, so a letter typed as letter + combining accent counts as the letter. */
export function isValidUsername(value: string): boolean {
  const form = value.normalize("NFKC");
  const length = [...form].length;
  return length >= 1 && length <= USERNAME_MAX && USERNAME_PATTERN.test(form);
}

export const usernameSchema = z
  .string({ error: textError("Username") })
  .trim()
  .min(1, "Username is required")
  .refine((v) => [...v.normalize("NFKC")].length <= USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters`)
  .refine((v) => USERNAME_PATTERN.test(v.normalize("NFKC")), "Username may contain only letters, digits, \".\", \"_\" and \"-\"");

/**
 * A username made of what a source allows: disallowed characters become ".",
 * runs and ends of punctuation are trimmed, and nothing usable gives "user".
 */
export function sanitiseUsername(source: string | null | undefined): string {
  return usableUsername(source) || "user";
}

/** The valid username made of a source's allowed characters, or "" when none are left. */
function usableUsername(source: string | null | undefined): string {
  const cleaned = (source ?? "")
    .normalize("NFKC")
    .replace(/[^\p{L}\p{Nd}._-]+/gu, ".")
    .replace(/([._-])[._-]+/g, "$1")
    .replace(/^[._-]+|[._-]+$/g, "");
  const cut = [...cleaned].slice(0, USERNAME_MAX).join("").replace(/[._-]+$/g, "");
  return cut && isValidUsername(cut) ? cut : "";
}

/** The base of a derived username: the email's local part, else the name, else "user". */
export function usernameBaseFor(person: { email?: string | null; name?: string | null }): string {
  return usableUsername(person.email?.trim().split("@")[0]) || sanitiseUsername(person.name);
}

/** What the invite page and the forms prefill: the email's local part, made a valid username ("" when there is nothing usable). */
export function suggestedUsername(email: string | null | undefined): string {
  return usableUsername(email?.trim().split("@")[0]);
}
