"use client";
/**
 * The one way a dashboard form talks to its server action.
 *
 * React resets a form after its action runs, and a reset puts selects,
 * checkboxes and radios back to the values they were first rendered with: a
 * failed save lost what the person chose, a successful one showed stale
 * values that the next save wrote back. So the submission is dispatched by
 * hand (no reset): after a failure the controls keep exactly what the person
 * entered. After a success `version` changes; forms key their fields with it
 * so they mount again from what the server now holds (the action revalidates
 * the page, and the new props arrive with the result).
 *
 * Each submission also names the fields the person changed since the form
 * was last loaded (lib/forms/changed-fields), so an action can apply only those.
 */
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { markChanges, snapshotOf, type FormSnapshot } from "@/lib/forms/changed-fields";
import { initialFormState, type FormState } from "@/lib/forms/form-state";

type Action = (state: FormState, data: FormData) => FormState | Promise<FormState>;

export function useServerForm(action: Action, options: { onSubmit?: (event: FormEvent<HTMLFormElement>) => void } = {}) {
  const [state, dispatch, pending] = useActionState(action, initialFormState);
  const [version, setVersion] = useState(0);
  const [seen, setSeen] = useState(state);
  if (seen !== state) {
    setSeen(state);
    if (state.status === "success") setVersion((v) => v + 1);
  }
  const ref = useRef<HTMLFormElement>(null);
  const snapshot = useRef<FormSnapshot | null>(null);
  useEffect(() => {
    snapshot.current = ref.current ? snapshotOf(new FormData(ref.current)) : null;
  }, [version]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    options.onSubmit?.(event);
    if (event.defaultPrevented) return;
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    if (snapshot.current) markChanges(data, snapshot.current);
    startTransition(() => dispatch(data));
  };

  return {
    state,
    pending,
    /** Changes after each successful save: the key that remounts the fields from server state. */
    version,
    /** Submitted values to show after an error when the page was used without JavaScript. */
    values: state.status === "error" ? state.values : undefined,
    formProps: { ref, action: dispatch, onSubmit },
  };
}
