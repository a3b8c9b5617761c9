/**
 * A request's query string as the API reads it: one value per name, the first
 * when a name is repeated (as NetBird's Go handlers and the activity log read
 * it; `Object.fromEntries` kept the last, so `?limit=1&limit=999` meant 999 in
 * some lists and 1 in others), and text a database can hold: a NUL ("%00")
 * is refused (422) naming the parameter, as in a JSON body (./well-formed-text.ts),
 * where PostgreSQL failed the query with a 500.
 */
import { Invalid, type FieldErrors } from "@/lib/errors";
import { textProblem } from "./well-formed-text";

export function queryParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: FieldErrors = {};
  for (const [name, value] of params) {
    if (Object.hasOwn(out, name)) continue;
    // A bad name can't name a field the client would recognise: reported as the query's own problem.
    const nameProblem = textProblem(name);
    const problem = nameProblem ?? textProblem(value);
    if (problem) problems[nameProblem ? "_" : name] = [problem];
    out[name] = value;
  }
  if (Object.keys(problems).length > 0) throw new Invalid(problems._ ? problems._.join("; ") : "Invalid query parameters", problems);
  return out;
}
