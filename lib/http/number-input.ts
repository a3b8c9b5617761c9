/**
 * A number that comes as a number from a JSON body or as digits from a form. z.coerce.number read
 * anything JavaScript's Number() does: true as 1, false, null and [] as 0, [7] as 7, so a script's wrong
 * type changed a setting (grace_days: false meant two-factor at once) instead of being refused. A form's
 * text is read as before (Number of it). No server code: form schemas use it.
 *
 * A query string's numbers (limit, offset, the activity log's cursors) are stricter: plain decimal digits
 * only. Number() also read "0x10" as 16, "1e2" as 100, " 5" as 5 and "" as 0, so a typo or a script's
 * formatting paged somewhere else instead of being refused (422 naming the parameter).
 */
import { z } from "zod";

/** `number` (a z.number() with its bounds) reading a form's digits too. */
export function numberInput<S extends z.ZodNumber>(number: S) {
  return z.preprocess((value) => (typeof value === "string" ? Number(value) : value), number);
}

const DECIMAL_DIGITS = /^[0-9]+$/;

/** The message a query parameter's number refuses anything but digits with. */
export const digitsOnly = (field: string) => `${field} must be a whole number written in digits (0-9)`;

/**
 * `number` (a z.number({ error: digitsOnly(field) }) with its bounds, and its default inside, where the
 * API document shows it) read from a query parameter: only plain decimal digits become a number; anything
 * else reaches `number` as text and is refused with its message.
 */
export function queryNumber<S extends z.ZodNumber | z.ZodDefault<z.ZodNumber>>(number: S) {
  return z.preprocess((value) => (typeof value === "string" && DECIMAL_DIGITS.test(value) ? Number(value) : value), number);
}
