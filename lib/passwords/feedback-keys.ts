/**
 * zxcvbn-ts's feedback as catalog keys: given as the estimator's
 * "translations", its warning and suggestions come back as keys of the
 * catalogs' "serverMessages" (passwordWarning…, passwordSuggestion…), which
 * the page says in the person's language. Pure and small: the browser's
 * strength meter uses it without carrying any wording of its own, and no
 * language pack (@zxcvbn-ts/language-de is at 3.x, for core 3.x, and would
 * bring its dictionaries) is loaded. The English words are in ./feedback.ts.
 */
import type { TranslationKeys } from "@zxcvbn-ts/core";

export const FEEDBACK_WARNINGS = [
  "straightRow", "keyPattern", "simpleRepeat", "extendedRepeat", "sequences", "recentYears", "dates", "topTen",
  "topHundred", "common", "similarToCommon", "wordByItself", "namesByThemselves", "commonNames", "userInputs", "pwned",
] as const;
export const FEEDBACK_SUGGESTIONS = [
  "l33t", "reverseWords", "allUppercase", "capitalization", "dates", "recentYears", "associatedYears", "sequences",
  "repeated", "longerKeyboardPattern", "anotherWord", "useWords", "noNeed", "pwned",
] as const;

type Cap<S extends string> = Capitalize<S>;
export type FeedbackKey =
  | `passwordWarning${Cap<(typeof FEEDBACK_WARNINGS)[number]>}`
  | `passwordSuggestion${Cap<(typeof FEEDBACK_SUGGESTIONS)[number]>}`;

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const keyed = (prefix: string, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, `${prefix}${cap(n)}`]));

/** No time is shown from the estimate: its wording stays empty. */
const NO_TIMES = Object.fromEntries(
  ["ltSecond", "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "month", "months", "year", "years", "centuries"].map((k) => [k, ""]),
);

export const FEEDBACK_KEYS = {
  warnings: keyed("passwordWarning", FEEDBACK_WARNINGS),
  suggestions: keyed("passwordSuggestion", FEEDBACK_SUGGESTIONS),
  timeEstimation: NO_TIMES,
} as unknown as TranslationKeys;

/** The catalog key of a zxcvbn warning or suggestion given with FEEDBACK_KEYS (null: none). */
export function feedbackKey(text: string | null | undefined): FeedbackKey | null {
  return text && /^password(Warning|Suggestion)[A-Z]\w*$/.test(text) ? (text as FeedbackKey) : null;
}
