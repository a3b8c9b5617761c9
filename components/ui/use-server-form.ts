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
 *
 * Around that, what every form needs and no form should write again:
 * - the browser's own checks are off (noValidate): an empty, over-long or malformed value reaches the
 *   server action, which refuses it at the field in the page's language, instead of a bubble in the
 *   browser's language that the server never hears of (`required` stays on a field, for screen readers);
 * - one submission at a time (a double click posts once; the SubmitButton
 *   shows `pending`);
 * - after a refusal, secrets are cleared (PasswordField listens for
 *   CLEAR_SECRETS_EVENT) and the first field in error gets the focus;
 * - the submit button is disabled while the action runs, which drops the
 *   focus to the page (out of a dialog, too): after the answer it goes back
 *   to the button the person used, unless a field in error takes it;
 * - leaving with unsaved changes asks first (use-leave-guard);
 * - with `announce`, a success message is raised as a toast;
 * - a submission the action never answered (the connection failed, a proxy
 *   answered 429 or 502) is said at the form, which keeps what was typed
 *   (lib/forms/unanswered-submission.ts), rather than replaced by an error page.
 */
import { startTransition, useActionState, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { changedNames, loadedSnapshotOf, markChanges, snapshotOf, type FormSnapshot } from "@/lib/forms/changed-fields";
import { sayMessage } from "@/lib/errors";
import { initialFormState, type FormState } from "@/lib/forms/form-state";
import { answering } from "@/lib/forms/unanswered-submission";
import { useLocale, useTranslations } from "next-intl";
import { focusFirstField, focusFirstInvalid, focusIfLost } from "./focus";
import { genericMessageKey } from "./generic-messages";
import { loadServerMessages, needsServerMessages, NO_SERVER_MESSAGES, serverMessagesNow, type ServerTranslator } from "./server-messages";
import { useToast } from "./toast";
import { useLeaveGuard } from "./use-leave-guard";

type Action = (state: FormState, data: FormData) => FormState | Promise<FormState>;

/** Fired on the form after a refused submission; fields holding secrets empty themselves. */
export const CLEAR_SECRETS_EVENT = "latchkey:clear-secrets";

export type ServerFormOptions = {
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  /** Raise the success message as a toast (forms that stay on screen after saving). */
  announce?: boolean;
  /** Ask before leaving with unsaved changes (default). Off for forms that hold no work: sign-in, confirmations. */
  guardLeave?: boolean;
  /** The form opens in place of the button that asked for it: its first field gets the focus (./focus.ts). */
  focusOnOpen?: boolean;
};

export function useServerForm(action: Action, options: ServerFormOptions = {}) {
  // Two states. The server action's own is what the form posts without JavaScript (React renders a server
  // action, not a function of ours, as the form's target) and the answer to that post. With JavaScript the
  // submission goes through `answered`'s action, which turns a call that got no answer into form state.
  const [posted, postWithoutScript] = useActionState(action, initialFormState);
  const [answered, dispatch, pending] = useActionState(answering(action), initialFormState);
  const state = answered === initialFormState ? posted : answered;
  const t = useTranslations("forms");
  const locale = useLocale();
  const server = needsServerMessages(state) ? serverMessagesNow(locale) : NO_SERVER_MESSAGES;
  const shown = useMemo(() => inLanguage(state, t, server), [state, t, server]);
  const [version, setVersion] = useState(0);
  const [seen, setSeen] = useState(state);
  const [dirty, setDirty] = useState(false);
  if (seen !== state) {
    setSeen(state);
    if (state.status === "success") setVersion((v) => v + 1);
  }
  const ref = useRef<HTMLFormElement>(null);
  const snapshot = useRef<FormSnapshot | null>(null);
  const busy = useRef(false);
  const submitter = useRef<HTMLElement | null>(null);
  const notify = useToast();

  useEffect(() => {
    snapshot.current = ref.current ? loadedSnapshotOf(ref.current) : null;
    setDirty(false);
  }, [version]);

  useEffect(() => {
    if (!pending) busy.current = false;
  }, [pending]);

  const { focusOnOpen } = options;
  useEffect(() => {
    if (focusOnOpen) focusFirstField(ref.current);
  }, [focusOnOpen]);

  const { announce } = options;
  // Once per answer: keyed on the action's state, not on its translated copy (`shown` also changes with
  // the translator's identity), since a re-run would clear the secrets typed since and toast again.
  useEffect(() => {
    const form = ref.current;
    if (shown.status === "success" && announce && shown.message) notify(shown.warning ? "warning" : "success", shown.message);
    if (shown.status === "error" && form) {
      form.dispatchEvent(new Event(CLEAR_SECRETS_EVENT));
      if (focusFirstInvalid(form)) return;
    }
    const used = submitter.current;
    if (used && form?.contains(used)) focusIfLost(used);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state, announce, notify]);

  // Any edit re-checks against the snapshot, so typing a value back counts as unchanged.
  const check = () => {
    const form = ref.current;
    if (form && snapshot.current) setDirty(changedNames(snapshot.current, snapshotOf(new FormData(form))).length > 0);
  };
  useLeaveGuard(dirty && options.guardLeave !== false && !pending);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    options.onSubmit?.(event);
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    // The answer may name server messages: their catalog loads while the action runs (server-messages.ts).
    void loadServerMessages(locale).catch(() => undefined);
    const used = (event.nativeEvent as SubmitEvent).submitter;
    submitter.current = used;
    const data = new FormData(event.currentTarget, used);
    if (snapshot.current) markChanges(data, snapshot.current);
    startTransition(() => dispatch(data));
  };

  return {
    state: shown,
    pending,
    /** Changes after each successful save: the key that remounts the fields from server state. */
    version,
    /** The person changed something since the form was last loaded or saved. */
    dirty,
    /** Submitted values to show after an error when the page was used without JavaScript. */
    values: state.status === "error" ? state.values : undefined,
    formProps: { ref, action: postWithoutScript, onSubmit, onInput: check, onChange: check, noValidate: true },
  };
}

/**
 * The state's messages in the person's language: a text with a catalog entry
 * (state.messageKeys, lib/forms/message-keys.ts) from "serverMessages" (server-messages.ts; as written
 * when that catalog could not load), a generic one (GENERIC_FORM_MESSAGES) from "forms", any other as
 * the server wrote it.
 */
export function inLanguage(state: FormState, t: ReturnType<typeof useTranslations<"forms">>, server: ServerTranslator): FormState {
  const say = (message: string) => {
    const ref = state.messageKeys && Object.hasOwn(state.messageKeys, message) ? state.messageKeys[message] : undefined;
    if (ref && server !== NO_SERVER_MESSAGES) return sayMessage(server as never, ref);
    const key = genericMessageKey(message);
    return key ? t(key) : message;
  };
  if (!state.message && !state.fieldErrors) return state;
  return {
    ...state,
    message: state.message && say(state.message),
    fieldErrors: state.fieldErrors && Object.fromEntries(Object.entries(state.fieldErrors).map(([field, messages]) => [field, messages.map(say)])),
  };
}

/**
 * For a component that shows an action's state without useServerForm (a toast, say): the state in the
 * person's language. Call it while rendering, or after `loadServerMessages` has resolved: a state naming
 * server messages suspends the render until their catalog has loaded (server-messages.ts).
 */
export function useServerText(): (state: FormState) => FormState {
  const t = useTranslations("forms");
  const locale = useLocale();
  return useCallback((state: FormState) => inLanguage(state, t, needsServerMessages(state) ? serverMessagesNow(locale) : NO_SERVER_MESSAGES), [t, locale]);
}
