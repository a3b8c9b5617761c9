/**
 * Finds text that is not well-formed Unicode (a lone UTF-16 surrogate, which
 * only a JSON "\ud800" escape can produce: UTF-8 form posts can't carry one).
 * Such a string can't be stored faithfully (SQLite turns it into U+FFFD), so a
 * uniqueness check in JS and the database's would disagree; it is refused at
 * the edge with a message for the field it came in. So is a NUL character
 * (only a "\u0000" escape): PostgreSQL can't store it in text at all (the
 * write failed with a 500) and SQLite kept it, invisible, in a name.
 */
import { Invalid, type FieldErrors } from "@/lib/errors";

export const MALFORMED_TEXT_MESSAGE = "Must be valid Unicode text (it contains an unpaired surrogate)";
export const NUL_TEXT_MESSAGE = "Must not contain a NUL character";
/** The headline of a refusal for either reason (the fields say which). */
export const UNSTORABLE_TEXT_MESSAGE = "Some text contains characters that can't be stored";

/** Why a string can't be stored as it is, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return MALFORMED_TEXT_MESSAGE;
  if (text.includes("\u0000")) return NUL_TEXT_MESSAGE;
  return undefined;
}

function collect(value: unknown, path: string[], out: FieldErrors): void {
  if (typeof value === "string") {
    const problem = textProblem(value);
    if (problem) out[path.length > 0 ? path.join(".") : "_"] = [problem];
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, [...path, String(i)], out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      // A malformed key can't name a field the client would recognise; it is reported where it sits.
      const problem = textProblem(key);
      if (problem) out[path.length > 0 ? path.join(".") : "_"] = [problem];
      else collect(item, [...path, key], out);
    }
  }
}

/** Throws Invalid (422) naming every field whose text is not well-formed Unicode or holds a NUL. */
export function assertWellFormedText(value: unknown): void {
  const fields: FieldErrors = {};
  collect(value, [], fields);
  if (Object.keys(fields).length === 0) return;
  throw new Invalid(fields._ ? fields._.join("; ") : UNSTORABLE_TEXT_MESSAGE, fields);
}
