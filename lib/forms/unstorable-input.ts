/**
 * A server action's arguments holding text no database can store (a NUL, an unpaired surrogate:
 * lib/http/well-formed-text.ts), refused by the action wrapper (./server-action.ts) before the action
 * runs, as the API refuses it in a body, a query string or a path. PostgreSQL failed such a query or
 * write with a 500; SQLite stored the NUL, invisible.
 *
 * - a form field: its own message, and the form keeps what the person typed (never a secret field);
 * - an id (a plain string argument, or a list of them): not found, since no row has one;
 * - a picker's search (an action's declared `searchArg`) is not looked at here: it finds nothing (./search-term.ts).
 */
import { Invalid, NotFound, type DomainError, type FieldErrors } from "@/lib/errors";
import { textProblem, UNSTORABLE_TEXT_MESSAGE } from "@/lib/http/well-formed-text";

/** Fields whose value is never sent back to the browser (passwords, secrets, one-time codes, link tokens, passkey answers). */
const SECRET_FIELD = /password|secret|^code$|^token$|^response$/;

export type UnstorableInput = { error: DomainError; values?: Record<string, string> };

/** The refusal for the first argument holding unstorable text, or undefined when all can be stored. */
export function unstorableInput(args: readonly unknown[]): UnstorableInput | undefined {
  for (const arg of args) {
    const ids = typeof arg === "string" ? [arg] : Array.isArray(arg) ? arg.filter((item) => typeof item === "string") : [];
    if (ids.some((id) => textProblem(id) !== undefined)) return { error: new NotFound() };
    if (arg instanceof FormData) {
      const fields = formProblems(arg);
      if (fields) return { error: new Invalid(UNSTORABLE_TEXT_MESSAGE, fields), values: keptValues(arg) };
    }
    // Other arguments (the form's previous state, flags) are not input: the previous state may well hold the refused text.
  }
  return undefined;
}

function formProblems(formData: FormData): FieldErrors | undefined {
  const fields: FieldErrors = {};
  for (const [name, value] of formData) {
    const nameProblem = textProblem(name);
    // A bad field name names no field the form shows: reported as the form's own problem.
    const problem = nameProblem ?? (typeof value === "string" ? textProblem(value) : undefined);
    if (problem) fields[nameProblem ? "_" : name] = [problem];
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** What the person typed, as forms keep it (a repeated name's entries joined with commas: lib/forms/form-state.ts keptList), secrets left out. */
function keptValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of new Set(formData.keys())) {
    // "$ACTION_…": React's own fields of a form posted without JavaScript.
    if (name.startsWith("$") || SECRET_FIELD.test(name)) continue;
    values[name] = formData.getAll(name).filter((v) => typeof v === "string").join(",");
  }
  return values;
}
