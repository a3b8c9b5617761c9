"use client";

import { Fragment } from "react";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { updateOwnNameAction } from "./actions";

/** Your own name: after a save the field shows what was stored; after a refusal, what you typed. */
export function NameForm({ name }: { name: string }) {
  const form = useServerForm(updateOwnNameAction, { announce: true });
  const { state, values } = form;
  const t = useTranslations("profilePage.name");
  const common = useTranslations("common");
  return (
    <form {...form.formProps} className="flex flex-wrap items-end gap-3">
      {state.status === "error" && state.message && (
        <div className="w-full">
          <Alert tone="error">{state.message}</Alert>
        </div>
      )}
      <Fragment key={form.version}>
        <div className="w-full max-w-sm">
          <TextField id="profile-name" label={t("label")} name="name" defaultValue={values?.name ?? name} errors={state.fieldErrors?.name} />
        </div>
      </Fragment>
      <SubmitButton pendingLabel={common("saving")} pending={form.pending}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
