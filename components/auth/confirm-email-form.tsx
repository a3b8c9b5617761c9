"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { confirmEmailAction } from "@/app/(public)/forgot-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { ForgetLink } from "./forget-link";

/**
 * A button, not the link itself: mail scanners open links, and must not confirm an address by doing so. The
 * link's token stays in its cookie (lib/http/link-cookie.ts); once used, the browser forgets it.
 */
export function ConfirmEmailForm() {
  const form = useServerForm(confirmEmailAction, { guardLeave: false });
  const state = form.state;
  const t = useTranslations("publicPages.confirmEmail");
  if (state.status === "success") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        {/* The link is used: the browser forgets it (its cookie: lib/http/link-cookie.ts). */}
        {state.result?.link && <ForgetLink kind="confirmEmail" link={state.result.link} />}
        <Link href="/" className="block text-center text-sm font-medium text-indigo-600 hover:text-indigo-500">{t("continue")}</Link>
      </div>
    );
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("pending")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
