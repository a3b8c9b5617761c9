/**
 * A form's submission its server action never answered: the request failed on
 * the way (the connection dropped, the server restarting), something in
 * between answered instead (a proxy's 429 from its rate limit, a 502 or 504,
 * its own 413), or the server's guard refused it before the action ran (a body
 * over its cap, an action id it doesn't have). Next.js throws those from the
 * action's call, and a thrown call took the form to its section's error page
 * (a public page: Next's own, in English), dropping what the person had typed.
 * As form state instead, the form stays as it was and says so in the person's
 * language (components/ui/generic-messages.ts).
 *
 * Not these: a redirect or not-found the action asked for (Next.js's own
 * throws, which navigate), and an error the action itself raised on the server
 * (it carries a digest: the section's error page shows it as a reference).
 */
import { unstable_isUnrecognizedActionError, unstable_rethrow } from "next/navigation";
import type { FormState } from "@/lib/forms/form-state";

/** No answer came (the form's words when the "forms" catalog has no translation). */
export const NO_ANSWER = "The server couldn't be reached, or was too busy to answer. Try again in a moment.";
/** The submission was over the server's body cap (scripts/body-limit.mjs answers a page's call in plain text). */
export const TOO_LARGE = "What you entered is too large to send. Shorten the longest field and try again.";
/** The opening of that answer, which Next.js hands on as the thrown error's message. */
const TOO_LARGE_ANSWER = "Request body is too large";
/** The server no longer knows this page's action: it was upgraded since the page loaded. */
export const PAGE_OUTDATED = "The server was updated since this page loaded. Copy what you entered, then reload the page.";

/** The form's state for a submission whose action threw `thrown` in the browser; rethrows what isn't such a failure. */
export function unansweredSubmission(thrown: unknown): FormState {
  unstable_rethrow(thrown);
  if (unstable_isUnrecognizedActionError(thrown)) return { status: "error", message: PAGE_OUTDATED };
  if (typeof thrown === "object" && thrown !== null && "digest" in thrown) throw thrown;
  if (thrown instanceof Error && thrown.message.startsWith(TOO_LARGE_ANSWER)) return { status: "error", message: TOO_LARGE, code: 413 };
  return { status: "error", message: NO_ANSWER };
}

/** `action` as a form's hook calls it from the browser: a call that got no answer resolves to the state saying so. */
export function answering<Payload>(action: (state: FormState, payload: Payload) => FormState | Promise<FormState>) {
  return async (state: FormState, payload: Payload): Promise<FormState> => {
    try {
      return await action(state, payload);
    } catch (thrown) {
      return unansweredSubmission(thrown);
    }
  };
}
