/**
 * Names that other people read (a person's name in pages and in the mails sent on their behalf, the
 * instance's name): one line of visible text. Line breaks, tabs and other control characters would let a
 * name carry a paragraph of its own into an invite mail ("Olga\n\nYour account will be closed. Verify at
 * …"), and the bidirectional overrides and isolates make text read as something else. The one rule for
 * both roads in:
 * - typed (forms, the API): refused, with the field's message (hasUnsafeDisplayCharacters in the schemas);
 * - from elsewhere (a directory, an identity provider, the proxy header): cleaned (asDisplayText), since a
 *   sign-in shouldn't fail over what a directory calls someone.
 * No server code: schemas shared with the forms use it.
 */

/** Controls (C0, C1: line breaks, tabs), line and paragraph separators, bidirectional embeddings, overrides and isolates. */
const UNSAFE = String.raw`\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069`;
const UNSAFE_CHARACTER = new RegExp(`[${UNSAFE}]`, "u");
const UNSAFE_RUN = new RegExp(`[${UNSAFE}]+`, "u");
const EACH_UNSAFE = new RegExp(`[${UNSAFE}]`, "gu");

/** The field message when a typed name breaks the rule (a person's, an application's, a provider's, a group's). */
export const NAME_UNSAFE_CHARACTERS = "A name can't contain line breaks, tabs or invisible direction marks";

export function hasUnsafeDisplayCharacters(text: string): boolean {
  return UNSAFE_CHARACTER.test(text);
}

/** Characters that show as nothing: zero-width space and joiners, soft hyphen, word joiner, BOM, variation selectors, Hangul fillers. */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/**
 * Whether a name holds a character that shows as nothing, so that it reads as another name ("wiki\u200badmins" as
 * "wikiadmins"): the names that must not pass for another's (groups, roles) refuse them (review 22).
 */
export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE.test(text);
}

/**
 * The text with each run of unsafe characters, and the spaces around it, replaced by one space ("Olga \n\n
 * Petrova" reads "Olga Petrova"), trimmed, and cut to at most `max` characters (then trimmed again).
 */
export function asDisplayText(text: string | null | undefined, max: number): string {
  const pieces = (text ?? "").split(UNSAFE_RUN).map((piece) => piece.trim());
  return pieces.filter(Boolean).join(" ").slice(0, max).trim();
}

/**
 * The text with each unsafe character written as its escape ("Ops\nAdmins" reads `Ops\u000aAdmins`): one line
 * that shows what was there, for the record of a name that was cleaned.
 */
export function escapedDisplayText(text: string): string {
  return text.replace(EACH_UNSAFE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}
