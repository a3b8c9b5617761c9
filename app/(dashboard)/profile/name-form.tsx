"use client";

import { useTranslations } from "next-intl";
import { InlineForm } from "@/components/ui/inline-form";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { updateOwnNameAction } from "./actions";

/** Your own name: after a save the field shows what was stored; after a refusal, what you typed. */
export function NameForm({ name }: { name: string }) {
  const form = useServerForm(updateOwnNameAction, { announce: true });
  const { state, values } = form;
  const t = useTranslations("profilePage.name");
  return (
    <InlineForm form={form} submitLabel={t("submit")}>
      <div className="w-full max-w-sm">
        <TextField id="profile-name" label={t("label")} name="name" defaultValue={values?.name ?? name} errors={state.fieldErrors?.name} />
      </div>
    </InlineForm>
  );
}
