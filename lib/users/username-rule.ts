/**
 * What a username may be, and the one derived from an email or a name (shared by forms, the API schema and the
 * server; no database here).
 *
 * Every username: 1–64 letters (any script), digits, ".", "_" and "-" (usernameShapeSchema). One being set or
 * changed must also not look like another person's (usernameSchema): its letters keep to one script (TR39's
 * Highly Restrictive, ./username-scripts.ts), and ".", "_" and "-" only sit between other characters, one at a
 * time ("bob." and "-bob" can't stand beside "bob"). Usernames stored before these rules keep working: the
 * rules apply when a username is set or changed, never to one only repeated back.
 */
import { z } from "zod";
import { textError } from "@/lib/http/text-input";
import { keepsToOneScript } from "./username-scripts";

export const USERNAME_MAX = 64;

/**
 * How long a username that stopped being someone's is held back (./retired-usernames.ts). 30 days: longer than an
 * app's usual session or token lifetime and a typical off-boarding (someone removes the person from the apps keyed
 * on their username), short enough that a name freed by a mistake or a departure is usable again within a month.
 * The former holder is never kept out, so undoing a rename needs no wait.
 */
export const USERNAME_HOLD_DAYS = 30;

/**
 * The taken answer to someone who may see the held-back list anyway (mayListHeldBack): an admin adding or renaming
 * a person learns why a name nobody has is refused, and what to do. Everyone else gets USERNAME_TAKEN.
 */
export const USERNAME_HELD_BACK = `This username was someone else's until lately and is held back for ${USERNAME_HOLD_DAYS} days; the owner can release it under Settings → Identity providers → Usernames`;

/**
 * How many of their former usernames a person's own changes (Profile) may hold back at once. Each change holds the
 * old name for USERNAME_HOLD_DAYS, so without a bound a member could keep any number of names from everyone by
 * renaming themselves through them. Three covers a typo fixed and a change of mind; an admin's rename is not bound.
 */
export const OWN_USERNAMES_HELD_MAX = 3;
export const OWN_USERNAME_HOLD_LIMIT_REACHED = `Your ${OWN_USERNAMES_HELD_MAX} earlier usernames are still held back for you (each for ${USERNAME_HOLD_DAYS} days after you left it): take one of them back, or ask an admin to change yours`;

const USERNAME_PATTERN = /^[\p{L}\p{Nd}._-]+$/u;
/** Punctuation first, last, or twice in a row. */
const LOOSE_PUNCTUATION = /^[._-]|[._-]$|[._-]{2}/;

export const USERNAME_CHARACTERS = 'Username may contain only letters, digits, ".", "_" and "-"';
export const USERNAME_EDGES = 'A username can\'t start or end with ".", "_" or "-", or have two of them in a row';
export const USERNAME_MIXED_SCRIPTS = "A username can't mix alphabets, e.g. Latin and Cyrillic letters";

/** Checked on the NFKC form, so a letter typed as letter + combining accent counts as the letter. */
const form = (value: string) => value.normalize("NFKC");
const fitsLength = (value: string) => [...form(value)].length <= USERNAME_MAX;
const hasUsernameCharacters = (value: string) => USERNAME_PATTERN.test(form(value));

/** Why a username with valid characters looks too much like another's, if it does. */
function lookAlikeProblem(value: string): string | undefined {
  const nfkc = form(value);
  if (LOOSE_PUNCTUATION.test(nfkc)) return USERNAME_EDGES;
  if (!keepsToOneScript(nfkc)) return USERNAME_MIXED_SCRIPTS;
  return undefined;
}

/** Whether a value is, as it stands (untrimmed), a username that passes every rule of usernameSchema. */
export function isValidUsername(value: string): boolean {
  return value === value.trim() && usernameProblem(value) === null;
}

/** The rule of usernameSchema a username breaks, in the words a form says it with; null when it could be set today. */
export function usernameProblem(value: string): string | null {
  const checked = usernameSchema.safeParse(value);
  return checked.success ? null : checked.error.issues[0].message;
}

/**
 * What any username is, those stored before the look-alike rules included: for an input that may repeat the
 * person's own (PUT /api/users/{id}, Profile, the invite's own username on the accept form). Where such a
 * value is new, the service checks it against usernameSchema (assertSettableUsername in ./username.ts).
 */
export const usernameShapeSchema = z
  .string({ error: textError("Username") })
  .trim()
  .min(1, "Username is required")
  .refine(fitsLength, `Username must be at most ${USERNAME_MAX} characters`)
  .refine(hasUsernameCharacters, USERNAME_CHARACTERS);

/** A username being set: every rule. */
export const usernameSchema = usernameShapeSchema.superRefine((value, ctx) => {
  if (!fitsLength(value) || !hasUsernameCharacters(value)) return;
  const problem = lookAlikeProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * The one derivation of a username from a source (an email's local part, a name, LDAP's username, the proxy's
 * user header, OIDC's preferred_username): disallowed characters become ".", a run of punctuation keeps its
 * first mark, punctuation at the ends goes ("-Bob." → "Bob"), so what comes out passes usernameSchema and a
 * sign-in never fails on the rule. A source mixing scripts ("pаypal" with a Cyrillic а) is not usable, like one
 * with no letters: the next source is tried, and nothing usable gives "user".
 */
export function sanitiseUsername(source: string | null | undefined): string {
  return usableUsername(source) || "user";
}

/** The valid username made of a source's allowed characters, or "" when none are left or they mix scripts. */
function usableUsername(source: string | null | undefined): string {
  const cleaned = (source ?? "")
    .normalize("NFKC")
    .replace(/[^\p{L}\p{Nd}._-]+/gu, ".")
    .replace(/([._-])[._-]+/g, "$1")
    .replace(/^[._-]+|[._-]+$/g, "");
  const cut = [...cleaned].slice(0, USERNAME_MAX).join("").replace(/[._-]+$/g, "");
  return cut && isValidUsername(cut) ? cut : "";
}

/**
 * The base of a derived username: the source's own username (LDAP, the proxy header, OIDC preferred_username),
 * else the email's local part, else the name, else "user"; each made a valid username, or passed over when
 * nothing usable is left of it (a source mixing scripts included).
 */
export function usernameBaseFor(person: { username?: string | null; email?: string | null; name?: string | null }): string {
  return usableUsername(person.username) || usableUsername(person.email?.trim().split("@")[0]) || sanitiseUsername(person.name);
}

/** What the invite page and the forms prefill: the email's local part, made a valid username ("" when there is nothing usable). */
export function suggestedUsername(email: string | null | undefined): string {
  return usableUsername(email?.trim().split("@")[0]);
}
