/**
 * A request's query string as the API reads it: one value per name, the first
 * when a name is repeated (as NetBird's Go handlers and the activity log read
 * it; `Object.fromEntries` kept the last, so `?limit=1&limit=999` meant 999 in
 * some lists and 1 in others), and text a database can hold: a NUL ("%00")
 * is refused (422) naming the parameter, as in a JSON body (./well-formed-text.ts),
 * where PostgreSQL failed the query with a 500. So is a value whose % escapes
 * are malformed or not UTF-8 ("Caf%E9", Latin-1): URLSearchParams turns such
 * bytes into U+FFFD, and a search for "Caf\uFFFD" answered an empty list.
 */
import { Invalid, type FieldErrors } from "@/lib/errors";
import { textProblem } from "./well-formed-text";

export const QUERY_ENCODING_MESSAGE = "Must be percent-encoded UTF-8 (a % escape is malformed or not UTF-8)";

/** Decodes one raw `name` or `value` of a query string as a browser's form does, or undefined when it can't be. */
function strictlyDecoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}

/** The parameters whose raw text URLSearchParams would decode with a replacement character ("_" for a bad name). */
function badlyEncoded(search: string, problems: FieldErrors): void {
  if (!search.includes("%")) return;
  for (const pair of search.slice(1).split("&")) {
    const at = pair.indexOf("=");
    const name = strictlyDecoded(at === -1 ? pair : pair.slice(0, at));
    if (name === undefined) problems._ = [QUERY_ENCODING_MESSAGE];
    else if (at !== -1 && strictlyDecoded(pair.slice(at + 1)) === undefined) problems[name] ??= [QUERY_ENCODING_MESSAGE];
  }
}

export function queryParams(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: FieldErrors = {};
  badlyEncoded(url.search, problems);
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(out, name)) continue;
    // A bad name can't name a field the client would recognise: reported as the query's own problem.
    const nameProblem = textProblem(name);
    const problem = nameProblem ?? textProblem(value);
    if (problem) problems[nameProblem ? "_" : name] ??= [problem];
    out[name] = value;
  }
  if (Object.keys(problems).length > 0) throw new Invalid(problems._ ? problems._.join("; ") : "Invalid query parameters", problems);
  return out;
}
