"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { createServiceUserAction } from "@/app/(dashboard)/team/service-users/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { Role } from "@/lib/db/schema";
import { NAME_MAX_LENGTH } from "@/lib/users/fields";
import { RoleSelect } from "@/components/users/role-select";

/** What each role means for a service user, whose only way in is the API. */
const SERVICE_ROLES = ["user", "auditor", "admin"] as const satisfies readonly Role[];
type ServiceRole = (typeof SERVICE_ROLES)[number];

function CreateServiceUserForm({ onCancel }: { onCancel: () => void }) {
  const form = useServerForm(createServiceUserAction);
  const t = useTranslations("serviceUsersPage");
  const col = useTranslations("columns");
  const common = useTranslations("common");
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField label={col("name")} name="name" required placeholder={t("namePlaceholder")} hint={common("upToCharacters", { max: NAME_MAX_LENGTH })} defaultValue={state.values?.name} errors={errors.name} />
      <RoleSelect roles={[...SERVICE_ROLES]} defaultValue={state.values?.role} errors={errors.role} meaning={(role) => t(`roleMeaning.${role as ServiceRole}`)} />
      <p className="text-sm text-slate-600">{t("createNote")}</p>
      <FormActions onCancel={onCancel} pending={form.pending} pendingLabel={t("creating")}>{t("createSubmit")}</FormActions>
    </form>
  );
}

export function CreateServiceUserDialog() {
  const [open, setOpen] = useState(false);
  const t = useTranslations("serviceUsersPage");
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("create")}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("create")}>
        <CreateServiceUserForm onCancel={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
