"use client";

import { useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import type { FormState } from "@/lib/forms/form-state";
import { ACTIONS_ROW } from "./form-actions";
import { Button, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";
import { refocusWhenRemoved } from "./focus";
import { SubmitButton } from "./submit-button";
import { useToast } from "./toast";
import { loadServerMessages, needsServerMessages } from "./server-messages";
import { useServerForm, useServerText } from "./use-server-form";

/**
 * A button that asks first: a dialog states what will happen, and only its
 * confirm button runs the server action. The dialog closes when the answer
 * comes, and the outcome (or the exact refusal) is a toast: the dialog asked
 * a question and is not the place for the result. The toast is raised from
 * the action itself, so it appears even when the result removes this button
 * (a deleted token's row, Block turning into Unblock).
 *
 * A row's button names its row to a screen reader (`subject`: "Delete terraform", not "Delete" once per row, which a
 * list of the page's buttons reads out as so many "Delete"s); the words shown stay the button's.
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
  subject,
}: {
  label: string;
  title: string;
  body: React.ReactNode;
  confirmLabel: string;
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  variant?: ButtonVariant;
  confirmVariant?: ButtonVariant;
  /** Hides the button (the action is not available now) without unmounting the dialog. */
  hideTrigger?: boolean;
  /** What the button acts on, when the page shows several such buttons (a table's rows): said with its label. */
  subject?: string;
}) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const notify = useToast();
  const say = useServerText();
  const locale = useLocale();
  const t = useTranslations("common");
  const form = useServerForm(
    async (prev, data) => {
      const result = await action(prev, data);
      // Said outside a render: the server messages' catalog must have loaded first (as written if it can't).
      const sayable = !needsServerMessages(result) || (await loadServerMessages(locale).then(() => true, () => false));
      if (result.message) notify(result.status === "error" ? "error" : "success", (sayable && say(result).message) || result.message);
      setOpen(false);
      // A Delete whose row went with it leaves the focus on the list, not on the page (review 20).
      if (result.status === "success") refocusWhenRemoved(trigger.current);
      return result;
    },
    { guardLeave: false },
  );
  return (
    <>
      {!hideTrigger && (
        <Button
          ref={trigger}
          variant={variant}
          onClick={() => setOpen(true)}
          aria-label={subject ? t("actionOn", { action: label, subject }) : undefined}
        >
          {label}
        </Button>
      )}
      <Dialog open={open} onClose={() => setOpen(false)} title={title}>
        <form {...form.formProps} className="space-y-4">
          <div className="text-sm text-slate-700">{body}</div>
          <div className={ACTIONS_ROW}>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t("cancel")}
            </Button>
            <SubmitButton variant={confirmVariant} pending={form.pending} pendingLabel={t("working")}>
              {confirmLabel}
            </SubmitButton>
          </div>
        </form>
      </Dialog>
    </>
  );
}
