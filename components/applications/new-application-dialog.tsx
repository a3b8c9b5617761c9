"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { createApplicationAction } from "@/app/(dashboard)/settings/applications/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { FormActions } from "@/components/ui/form-actions";
import { useServerForm } from "@/components/ui/use-server-form";
import { ApplicationFields, NEW_APPLICATION } from "./application-fields";
import { NoSecretNote } from "./no-secret-note";

function NewApplicationForm({ groups, onClose }: { groups: Array<{ id: string; name: string }>; onClose: () => void }) {
  const router = useRouter();
  const form = useServerForm(createApplicationAction);
  const state = form.state;
  const t = useTranslations("applicationsPage");
  if (state.status === "success" && state.result) {
    const { id, clientId, clientSecret, type } = state.result;
    const open = () => {
      onClose();
      router.push(`/settings/applications/${id}`);
    };
    if (!clientSecret) {
      return (
        <div className="space-y-4">
          <Alert tone="success">{state.message}</Alert>
          <p className="text-sm text-slate-700">
            <NoSecretNote type={type === "device" ? "device" : "spa"} clientId={clientId} />
          </p>
          <div className="flex justify-end">
            <Button onClick={open}>{t("open")}</Button>
          </div>
        </div>
      );
    }
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          {t.rich("createdClientId", { clientId, code: (chunks) => <code className="break-all font-mono">{chunks}</code> })}
        </p>
        <ShownOnceSecret
          label={t("clientSecret")}
          value={clientSecret}
          warning={t("secretWarning")}
          onClose={open}
        />
      </div>
    );
  }
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <ApplicationFields app={NEW_APPLICATION} groups={groups} kept={state.status === "error" ? state.values : undefined} errors={state.fieldErrors} typeFixed={false} />
      <FormActions onCancel={onClose} pending={form.pending} pendingLabel={t("registering")}>{t("register")}</FormActions>
    </form>
  );
}

/** "New application": the form, then the client secret once (web apps). */
export function NewApplicationDialog({ groups }: { groups: Array<{ id: string; name: string }> }) {
  const [open, setOpen] = useState(false);
  // A new form each time the dialog opens (a shown secret never comes back).
  const [round, setRound] = useState(0);
  const t = useTranslations("applicationsPage");
  return (
    <>
      <Button
        onClick={() => {
          setRound((r) => r + 1);
          setOpen(true);
        }}
      >
        {t("new")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("new")}>
        {open && <NewApplicationForm key={round} groups={groups} onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}
