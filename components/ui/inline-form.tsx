"use client";

import { Fragment } from "react";
import { useTranslations } from "next-intl";
import { Alert } from "./alert";
import { SubmitButton } from "./submit-button";
import type { useServerForm } from "./use-server-form";

/**
 * A one-line form (Profile → Name, Username): the field and its Save button side by side, a refusal above
 * them. The button lines up with the field's input, not with the foot of its hint or error lines (which
 * would push it below the input); on a phone the button wraps under the field. The field is remounted per
 * saved version (`form.version`), so that its defaultValue (the caller's `form.values ?? stored`) shows
 * what was stored after a save and what was typed after a refusal.
 */
export function InlineForm({
  form,
  submitLabel,
  children,
}: {
  form: ReturnType<typeof useServerForm>;
  submitLabel: string;
  /** The field. */
  children: React.ReactNode;
}) {
  const common = useTranslations("common");
  const { state } = form;
  return (
    <form {...form.formProps} className="flex flex-wrap items-start gap-3">
      {state.status === "error" && state.message && (
        <div className="w-full">
          <Alert tone="error">{state.message}</Alert>
        </div>
      )}
      <Fragment key={form.version}>{children}</Fragment>
      {/* Down by the label's line and the input's margin (FieldFrame), beside the input when side by side. */}
      <div className="sm:mt-6">
        <SubmitButton pending={form.pending} pendingLabel={common("saving")}>
          {submitLabel}
        </SubmitButton>
      </div>
    </form>
  );
}
