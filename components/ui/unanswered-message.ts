"use client";

import { useCallback } from "react";
import { unansweredSubmission } from "@/lib/forms/unanswered-submission";
import { useServerText } from "./use-server-form";

/**
 * For a call to a server action made outside useServerForm (a search as one types, a button's own call): what to
 * tell the person when the call got no answer (lib/forms/unanswered-submission.ts), in their language. Rethrows
 * what isn't such a failure (a redirect, an error the action raised), as the forms do.
 */
export function useUnansweredMessage(): (thrown: unknown) => string {
  const say = useServerText();
  return useCallback((thrown: unknown) => say(unansweredSubmission(thrown)).message ?? "", [say]);
}
