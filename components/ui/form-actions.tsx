"use client";

import { useTranslations } from "next-intl";
import { Button, type ButtonVariant } from "./button";
import { SubmitButton } from "./submit-button";

/**
 * The row's layout: side by side at the end from the sm breakpoint; on a phone stacked, each button the row's width
 * and the submit button on top, so that a German label ("Passwort zurücksetzen", "Einladungslink erstellen") keeps
 * one line instead of breaking beside a Cancel stretched to two lines' height (review 34).
 */
export const ACTIONS_ROW = "flex flex-col-reverse gap-2 sm:flex-row sm:justify-end";

/**
 * A form's closing row, at its end: Cancel (only where the form can be left, `onCancel`) and then the
 * submit button, which is disabled and shows `pendingLabel` while the action runs. One place for the
 * order, the alignment and the Cancel button's name, so every form's last row reads alike.
 */
export function FormActions({
  children,
  pending,
  pendingLabel,
  variant,
  onCancel,
  cancelLabel,
}: {
  /** The submit button's name. */
  children: React.ReactNode;
  /** From useServerForm (see SubmitButton). */
  pending?: boolean;
  pendingLabel?: string;
  variant?: ButtonVariant;
  onCancel?: () => void;
  /** Default: the common "Cancel". */
  cancelLabel?: string;
}) {
  const common = useTranslations("common");
  return (
    <div className={ACTIONS_ROW}>
      {onCancel && (
        <Button variant="secondary" onClick={onCancel}>
          {cancelLabel ?? common("cancel")}
        </Button>
      )}
      <SubmitButton variant={variant} pending={pending} pendingLabel={pendingLabel}>
        {children}
      </SubmitButton>
    </div>
  );
}
