"use client";

import { useTranslations } from "next-intl";
import { sendTestEmailAction } from "@/app/(dashboard)/settings/email/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

/** "Send test email": the server's own answer is shown, accepted or refused. */
export function TestEmailForm({ defaultTo }: { defaultTo: string }) {
  const form = useServerForm(sendTestEmailAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("emailPage");
  return (
    <form {...form.formProps} aria-labelledby="mail-test-heading" className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="mail-test-heading" className="text-base font-semibold text-slate-900">{t("testHeading")}</h2>
      {state.status !== "idle" && state.message && (
        <Alert tone={state.status === "success" ? "success" : "error"}>{state.message}</Alert>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <TextField className="min-w-64 flex-1" label={t("sendTo")} name="to" type="email" defaultValue={form.values?.to ?? defaultTo} errors={state.fieldErrors?.to} />
        <SubmitButton variant="secondary" pendingLabel={t("sending")} pending={form.pending}>{t("sendTest")}</SubmitButton>
      </div>
    </form>
  );
}
