"use client";

import { useTranslations } from "next-intl";
import { retryDeliveryAction } from "@/app/(dashboard)/settings/email/actions";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";

export function RetryDeliveryButton({ id, label }: { id: string; label: string }) {
  const form = useServerForm(retryDeliveryAction.bind(null, id), { announce: true, guardLeave: false });
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
