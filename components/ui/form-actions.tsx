"use client";

import { useTranslations } from "next-intl";
import { Button, type ButtonVariant } from "./button";
import { SubmitButton } from "./submit-button";

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
    <div className="flex justify-end gap-2">
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
