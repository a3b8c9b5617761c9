"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { ProofFields } from "./proof-fields";

/**
 * Removing one of the person's own factors (the authenticator app, a passkey), after the proof that it's
 * them (ProofFields). One form for both panels.
 */
export function RemoveFactorForm({
  action,
  onDone,
  proof,
  submitLabel,
  ids,
  announce = false,
  className,
  children,
}: {
  action: (prev: FormState, data: FormData) => Promise<FormState>;
  onDone: () => void;
  proof: ProofKind;
  submitLabel: ReactNode;
  /** The fields' ids, where several forms can be open at once. */
  ids?: { password: string; code: string };
  announce?: boolean;
  className: string;
  /** What is about to go, said before the fields. */
  children?: ReactNode;
}) {
  const t = useTranslations("removeFactor");
  const common = useTranslations("common");
  const form = useServerForm(
    async (prev: FormState, data: FormData) => {
      const state = await action(prev, data);
      if (state.status === "success") onDone();
      return state;
    },
    { guardLeave: false, announce, focusOnOpen: true },
  );
  return (
    <form {...form.formProps} className={className}>
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      {children}
      <ProofFields proof={proof} errors={form.state.fieldErrors} ids={ids} />
      <div className="flex gap-2">
        <SubmitButton variant="danger" pending={form.pending} pendingLabel={t("removing")}>
          {submitLabel}
        </SubmitButton>
        <Button variant="secondary" onClick={onDone}>
          {common("cancel")}
        </Button>
      </div>
    </form>
  );
}
