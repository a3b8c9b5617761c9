"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { recoverOwnerAction } from "@/app/(public)/recover/actions";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useServerForm } from "@/components/ui/use-server-form";
import { ForgetLink } from "./forget-link";

/** The owner's new password, through a recovery link; after success, only the way to sign in. */
export function RecoverOwnerForm() {
  const form = useServerForm(recoverOwnerAction);
  const state = form.state;
  const t = useTranslations("publicPages.newPassword");
  const recover = useTranslations("publicPages.recover");
  if (state.status === "success") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        {/* The link is used: the browser forgets it (its cookie: lib/http/link-cookie.ts). */}
        {state.result?.link && <ForgetLink kind="recover" link={state.result.link} />}
        <Link href="/login" className="block text-center font-medium text-indigo-600 hover:text-indigo-500">
          {recover("signIn")}
        </Link>
      </div>
    );
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <NewPasswordFields label={t("label")} confirmLabel={t("confirm")} errors={state.fieldErrors ?? {}} />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("setting")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
