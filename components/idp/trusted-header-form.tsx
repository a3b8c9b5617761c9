"use client";

import { startTransition } from "react";
import { useTranslations } from "next-intl";
import { saveTrustedHeaderAction, testTrustedHeaderAction } from "@/app/(dashboard)/settings/actions";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useServerForm, useServerText } from "@/components/ui/use-server-form";
import { useConnectionTest } from "@/components/ui/use-connection-test";
import { Select, TextArea, useRoleOptions } from "./form-bits";
import { Checkbox } from "@/components/ui/checkbox";
import { PrivilegedSignupConfirm } from "./privileged-signup-confirm";
import { Card } from "@/components/ui/card";

/** Example values shown as placeholders: addresses and names, the same in every language. */
const EXAMPLES = ["Remote-Email", "Remote-Name"] as const;

export type TrustedHeaderFormValues = {
  enabled: boolean;
  trustedRanges: string[];
  userHeader: string;
  emailHeader: string;
  nameHeader: string;
  autoCreate: boolean;
  defaultRole: string;
};

export function TrustedHeaderForm({ initial, readOnly, yourAddress }: { initial: TrustedHeaderFormValues; readOnly: boolean; yourAddress: string | null }) {
  const form = useServerForm(saveTrustedHeaderAction, { announce: true });
  const state = form.state;
  const t = useTranslations("proxyPage");
  const tc = useTranslations("common");
  const roleOptions = useRoleOptions();
  const say = useServerText();
  // The test reads this very request and the saved settings: no form data goes with it, and an edit doesn't make
  // its result stale. A test that got no answer says so.
  const connectionTest = useConnectionTest<void>(testTrustedHeaderAction);
  const { run: testAction, testing } = connectionTest;
  const test = say(connectionTest.state);
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  return (
    <form {...form.formProps} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Card key={form.version} className="space-y-4">
        <Checkbox
          name="enabled"
          label={t("enabled")}
          hint={t("enabledHint")}
          defaultChecked={v ? v.enabled === "on" : initial.enabled}
          errors={errors.enabled}
          disabled={readOnly}
        />
        <TextArea
          label={t("ranges")}
          name="trusted_ranges"
          rows={3}
          hint={yourAddress ? t("rangesHintFrom", { address: yourAddress }) : t("rangesHint")}
          defaultValue={v?.trusted_ranges ?? initial.trustedRanges.join("\n")}
          errors={errors.trusted_ranges}
          disabled={readOnly}
        />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label={t("userHeader")} name="user_header" hint={t("userHeaderHint")} defaultValue={v?.user_header ?? initial.userHeader} errors={errors.user_header} disabled={readOnly} />
          <TextField label={t("emailHeader")} name="email_header" placeholder={EXAMPLES[0]} hint={t("optional")} defaultValue={v?.email_header ?? initial.emailHeader} errors={errors.email_header} disabled={readOnly} />
          <TextField label={t("nameHeader")} name="name_header" placeholder={EXAMPLES[1]} hint={t("optional")} defaultValue={v?.name_header ?? initial.nameHeader} errors={errors.name_header} disabled={readOnly} />
        </div>
        <Checkbox
          name="auto_create"
          label={t("autoCreate")}
          hint={t("autoCreateHint")}
          defaultChecked={v ? v.auto_create === "on" : initial.autoCreate}
          errors={errors.auto_create}
          disabled={readOnly}
        />
        <Select label={t("defaultRole")} name="default_role" options={roleOptions} defaultValue={v?.default_role ?? initial.defaultRole} errors={errors.default_role} disabled={readOnly} />
        <PrivilegedSignupConfirm label={t("acceptPrivilegedSignup")} errors={errors.accept_privileged_signup} submitted={v?.accept_privileged_signup} disabled={readOnly} />
      </Card>
      {!readOnly && (
        <FormActions pendingLabel={tc("saving")} pending={form.pending}>{t("save")}</FormActions>
      )}
      {!readOnly && (
        <div className="space-y-2">
          <Button variant="secondary" disabled={testing} onClick={() => startTransition(() => testAction())}>
            {testing ? t("testing") : t("test")}
          </Button>
          <p className="text-xs text-slate-500">{t("testHint")}</p>
          {test.status !== "idle" && test.message && <Alert tone={test.status === "error" ? "error" : "success"}>{test.message}</Alert>}
        </div>
      )}
    </form>
  );
}
