"use client";

import { useActionState, useState } from "react";
import { initialFormState, type FormState } from "@/lib/forms/form-state";
import { answering } from "@/lib/forms/unanswered-submission";

/**
 * A form's "Test connection": the action's state, shown for as long as it describes what the form holds. An edit
 * after the test hides it: the walk of round 15 saw "The client ID or secret is wrong" stay at a secret already
 * corrected, through a save refused for another reason. `watching(form.formProps)` gives the form's props with
 * its onInput also hiding the result. A test that got no answer says so (lib/forms/unanswered-submission.ts) and the
 * form keeps what was typed.
 */
export function useConnectionTest<Payload>(action: (state: FormState, payload: Payload) => Promise<FormState>) {
  const [state, run, testing] = useActionState(answering(action), initialFormState);
  // The result that an edit made stale; a new test's result is another object, so it shows.
  const [stale, setStale] = useState<FormState | null>(null);
  const watching = <Props extends { onInput: () => void }>(props: Props): Props => ({
    ...props,
    onInput: () => {
      props.onInput();
      setStale(state);
    },
  });
  return { state: stale === state ? initialFormState : state, run, testing, watching };
}
