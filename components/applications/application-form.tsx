"use client";

import { useTranslations } from "next-intl";
import { updateApplicationAction } from "@/app/(dashboard)/settings/applications/actions";
import { Alert } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { ApplicationFields, type ApplicationFormValue } from "./application-fields";
import { bindAction } from "@/lib/forms/bind-action";

/** The application's settings; a save sends only what the person changed. */
export function ApplicationForm({ id, app, groups, canSave }: { id: string; app: ApplicationFormValue; groups: Array<{ id: string; name: string }>; canSave: boolean }) {
  const form = useServerForm(bindAction(updateApplicationAction, id), { announce: true });
  const state = form.state;
  const t = useTranslations("applicationsPage");
  const tc = useTranslations("common");
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <div key={form.version}>
        <ApplicationFields app={app} groups={groups} kept={state.status === "error" ? state.values : undefined} errors={state.fieldErrors} typeFixed readOnly={!canSave} />
      </div>
      {canSave && (
        <FormActions pending={form.pending} pendingLabel={tc("saving")}>{t("saveChanges")}</FormActions>
      )}
    </form>
  );
}
