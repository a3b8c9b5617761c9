"use client";

import { useTranslations } from "next-intl";
import { sendTestEmailAction } from "@/app/(dashboard)/settings/email/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { cardClasses, CardHeading } from "@/components/ui/card";

/** "Send test email": the server's own answer is shown, accepted or refused. */
export function TestEmailForm({ defaultTo }: { defaultTo: string }) {
  const form = useServerForm(sendTestEmailAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("emailPage");
  return (
    <form {...form.formProps} aria-labelledby="mail-test-heading" className={cardClasses({ className: "space-y-4" })}>
      <CardHeading id="mail-test-heading">{t("testHeading")}</CardHeading>
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
