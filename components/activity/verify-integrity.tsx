"use client";

import { useTranslations } from "next-intl";
import { verifyIntegrityAction } from "@/app/(dashboard)/activity/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";

/** Re-checks the whole hash chain on the server and says where it first breaks, if anywhere. */
export function VerifyIntegrity() {
  const form = useServerForm(verifyIntegrityAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("activityPage");
  return (
    <div className="space-y-2">
      <form {...form.formProps}>
        <SubmitButton variant="secondary" pending={form.pending} pendingLabel={t("verifying")}>
          {t("verify")}
        </SubmitButton>
      </form>
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "error" ? "error" : "success"}>{state.message}</Alert>
      )}
    </div>
  );
}
