/**
 * A number that comes as a number from a JSON body or as digits from a form. z.coerce.number read
 * anything JavaScript's Number() does: true as 1, false, null and [] as 0, [7] as 7, so a script's wrong
 * type changed a setting (grace_days: false meant two-factor at once) instead of being refused. A form's
 * text is read as before (Number of it). No server code: form schemas use it.
 */
import { z } from "zod";

/** `number` (a z.number() with its bounds) reading a form's digits too. */
export function numberInput<S extends z.ZodNumber>(number: S) {
  return z.preprocess((value) => (typeof value === "string" ? Number(value) : value), number);
}
