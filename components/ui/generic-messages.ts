import { NO_ANSWER, PAGE_OUTDATED, TOO_LARGE } from "@/lib/forms/unanswered-submission";

/**
 * The generic messages the server's form errors use (lib/errors.ts defaults,
 * lib/http/validation.ts, lib/forms/action-errors.ts) and the browser's own
 * (lib/forms/unanswered-submission.ts), each with its key in the "forms"
 * messages, so useServerForm can show them in the person's language.
 * Messages that name a thing (a rule, a field's own limit) stay as the server
 * wrote them until the services speak through the catalog too.
 */
export const GENERIC_FORM_MESSAGES = {
  "Please fix the highlighted fields": "fixFields",
  "Passwords do not match": "passwordsDontMatch",
  "Invalid input": "invalid",
  "You are not allowed to do this": "forbidden",
  "Authentication required": "unauthenticated",
  "Invalid email or password": "invalidCredentials",
  "Invalid username or password": "invalidUsernameCredentials",
  [NO_ANSWER]: "noAnswer",
  [PAGE_OUTDATED]: "pageOutdated",
  [TOO_LARGE]: "tooLarge",
} as const;

export type GenericFormMessageKey = (typeof GENERIC_FORM_MESSAGES)[keyof typeof GENERIC_FORM_MESSAGES];

export function genericMessageKey(message: string): GenericFormMessageKey | undefined {
  return Object.hasOwn(GENERIC_FORM_MESSAGES, message) ? GENERIC_FORM_MESSAGES[message as keyof typeof GENERIC_FORM_MESSAGES] : undefined;
}
