/** What a username may be, and the one derived from an email or a name (shared by forms, the API schema and the server; no database here). */
import { z } from "zod";
import { textError } from "./fields";

export const USERNAME_MAX = 64;
const USERNAME_PATTERN = /^[\p{L}\p{Nd}._-]+$/u;

// Alphabets whose letters look like each other's ("а" Cyrillic, "a" Latin, "ο" Greek …). A username uses at most
// one of them, so "аdmin" (Cyrillic а) can't pass for "admin" (Unicode TR39's mixed-script rule). Han, kana and
// Hangul are not among them: they mix with each other and with Latin as Japanese, Chinese and Korean names do.
const ALPHABETS = ["Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Cherokee", "Coptic", "Hebrew", "Arabic"].map(
  (script) => new RegExp(`\\p{Script=${script}}`, "u"),
);

/** True when the letters come from two or more of the look-alike alphabets. */
function mixesAlphabets(form: string): boolean {
  return ALPHABETS.filter((alphabet) => alphabet.test(form)).length > 1;
}

/** Checked on the NFKC form, so a letter typed as letter + combining accent counts as the letter. */
export function isValidUsername(value: string): boolean {
  const form = value.normalize("NFKC");
  const length = [...form].length;
  return length >= 1 && length <= USERNAME_MAX && USERNAME_PATTERN.test(form) && !mixesAlphabets(form);
}

export const usernameSchema = z
  .string({ error: textError("Username") })
  .trim()
  .min(1, "Username is required")
  .refine((v) => [...v.normalize("NFKC")].length <= USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters`)
  .refine((v) => USERNAME_PATTERN.test(v.normalize("NFKC")), "Username may contain only letters, digits, \".\", \"_\" and \"-\"")
  .refine((v) => !mixesAlphabets(v.normalize("NFKC")), "Username may not mix alphabets, such as Latin and Cyrillic letters");

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
