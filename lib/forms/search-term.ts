/**
 * A search typed into a picker (a server action's `searchArg`: ./server-action.ts). Server actions are public
 * endpoints, so the argument may be anything; and text no database can store (a NUL, an unpaired surrogate:
 * lib/http/well-formed-text.ts) is not refused for it as it is for other arguments (./unstorable-input.ts):
 * no stored name or email can hold such text, so it finds nothing, and the picker shows its usual "nobody found".
 */
import { textProblem } from "@/lib/http/well-formed-text";

/** As long as a list's `search` may be (lib/http/list-params.ts); a longer search is cut there. */
const MAX_SEARCH = 200;

/** The search to run, trimmed and at most MAX_SEARCH characters; null when it can find nothing (empty, not text, unstorable). */
export function pickerSearchTerm(search: unknown): string | null {
  if (typeof search !== "string") return null;
  // Cut by code points, then checked: a cut by UTF-16 units could split an emoji and leave half a pair.
  const term = Array.from(search.trim()).slice(0, MAX_SEARCH).join("");
  return term === "" || textProblem(term) !== undefined ? null : term;
}
