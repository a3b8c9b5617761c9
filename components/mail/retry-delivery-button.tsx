"use client";

import { useTranslations } from "next-intl";
import { retryDeliveryAction } from "@/app/(dashboard)/settings/email/actions";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { bindAction } from "@/lib/forms/bind-action";

export function RetryDeliveryButton({ id, label }: { id: string; label: string }) {
  const form = useServerForm(bindAction(retryDeliveryAction, id), { announce: true, guardLeave: false });
  const t = useTranslations("emailPage");
  return (
    <form {...form.formProps}>
      <SubmitButton variant="secondary" pendingLabel={t("retrying")} pending={form.pending}>
        <span aria-label={label}>{t("retry")}</span>
      </SubmitButton>
      {form.state.status === "error" && form.state.message && <p className="mt-1 text-xs text-red-600">{form.state.message}</p>}
    </form>
  );
}
