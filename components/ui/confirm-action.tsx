"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { initialFormState } from "@/lib/forms/form-state";
import { Alert } from "./alert";
import { Button, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";
import { SubmitButton } from "./submit-button";

/**
 * A button that asks first: a dialog states what will happen, and only its
 * confirm button runs the server action. The outcome (or the exact refusal)
 * is shown in the dialog.
 */
export function ConfirmAction({
  label,
  title,
  body,
  confirmLabel,
  action,
  variant = "secondary",
  confirmVariant = "danger",
  hideTrigger = false,
}: {
  label: string;
  title: string;
  body: React.ReactNode;
  confirmLabel: string;
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  variant?: ButtonVariant;
  confirmVariant?: ButtonVariant;
  /** Hides the button but keeps the dialog, so an outcome stays readable after the action made the button moot. */
  hideTrigger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [state, run] = useActionState(action, initialFormState);
  const [runId, setRunId] = useState(0);
  // The wording is fixed when the dialog opens: a successful action re-renders the page
  // (Block becomes Unblock), and the dialog must keep describing what was done.
  const [shownTitle, setShownTitle] = useState(title);
  const shown = state.status !== "idle" && runId > 0;
  return (
    <>
      {!hideTrigger && (
        <Button
          variant={variant}
          onClick={() => {
            setRunId(0);
            setShownTitle(title);
            setOpen(true);
          }}
        >
          {label}
        </Button>
      )}
      <Dialog open={open} onClose={() => setOpen(false)} title={shownTitle}>
        {shown && state.message ? (
          <div className="space-y-4">
            <Alert tone={state.status === "error" ? "error" : "success"}>{state.message}</Alert>
            <div className="flex justify-end">
              <Button onClick={() => setOpen(false)}>Close</Button>
            </div>
          </div>
        ) : (
          <form action={run} onSubmit={() => setRunId((n) => n + 1)} className="space-y-4">
            <div className="text-sm text-slate-700">{body}</div>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <SubmitButton variant={confirmVariant} pendingLabel="Working…">
                {confirmLabel}
              </SubmitButton>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
