"use client";

import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { resetTwoFactorAction } from "@/app/(dashboard)/team/users/two-factor-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ACTIONS_ROW } from "@/components/ui/form-actions";
import { refocusWhenRemoved } from "@/components/ui/focus";
import { SubmitButton } from "@/components/ui/submit-button";
import { useToast } from "@/components/ui/toast";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { ProofFields } from "./proof-fields";

/**
 * An admin's "Reset two-factor" on a person's page (r52): the dialog says what goes and asks the admin's own proof
 * (lib/mfa/admin.ts resetNeedsProof: a stolen admin session can't strip someone's second factor silently). A refusal
 * stays in the dialog, at its field, with the dialog open; the outcome is a toast once it is done.
 */
export function ResetTwoFactor({ userId, label, proof }: { userId: string; label: string; proof: ProofKind }) {
  const [open, setOpen] = useState(false);
  // A new form (and no old refusal) each time the dialog opens.
  const [round, setRound] = useState(0);
  const trigger = useRef<HTMLButtonElement>(null);
  const t = useTranslations("mfa.userFactors");
  return (
    <>
      <Button
        ref={trigger}
        variant="secondary"
        onClick={() => {
          setRound((r) => r + 1);
          setOpen(true);
        }}
      >
        {t("reset")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("resetTitle", { name: label })}>
        <ResetForm
          key={round}
          userId={userId}
          proof={proof}
          onCancel={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            refocusWhenRemoved(trigger.current);
          }}
        />
      </Dialog>
    </>
  );
}

function ResetForm({ userId, proof, onCancel, onDone }: { userId: string; proof: ProofKind; onCancel: () => void; onDone: () => void }) {
  const t = useTranslations("mfa.userFactors");
  const common = useTranslations("common");
  const notify = useToast();
  const form = useServerForm(
    async (prev: FormState, data: FormData) => {
      const state = await resetTwoFactorAction(userId, prev, data);
      if (state.status === "success") {
        if (state.message) notify("success", state.message);
        onDone();
      }
      return state;
    },
    { guardLeave: false, focusOnOpen: true },
  );
  return (
    <form {...form.formProps} className="space-y-4">
      <p className="text-sm text-slate-700">{t("resetBody")}</p>
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <ProofFields proof={proof} errors={form.state.fieldErrors} why={t("resetWhy")} ids={{ password: "reset-two-factor-password", code: "reset-two-factor-code" }} />
      <div className={ACTIONS_ROW}>
        <Button variant="secondary" onClick={onCancel}>
          {common("cancel")}
        </Button>
        <SubmitButton variant="danger" pending={form.pending} pendingLabel={common("working")}>
          {t("reset")}
        </SubmitButton>
      </div>
    </form>
  );
}
