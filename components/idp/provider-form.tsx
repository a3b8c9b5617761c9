"use client";

import { listValue } from "@/lib/forms/form-state";
import { Fragment, startTransition, useId, useState } from "react";
import { useTranslations } from "next-intl";
import { createProviderAction, testProviderAction, updateProviderAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { PasswordField } from "@/components/ui/password-field";
import { TextField } from "@/components/ui/text-field";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { useServerForm, useServerText } from "@/components/ui/use-server-form";
import { useConnectionTest } from "@/components/ui/use-connection-test";
import { CopyField } from "@/components/ui/copy-field";
import { Select, TextArea, useRoleOptions } from "./form-bits";
import { Checkbox } from "@/components/ui/checkbox";
import { PrivilegedSignupConfirm } from "./privileged-signup-confirm";
import { describedByOf, FieldErrorText } from "@/components/ui/field-frame";
import { bindAction } from "@/lib/forms/bind-action";
import { SIGN_IN_SOURCE_NAME_MAX } from "@/lib/idp/limits";
import { Card, CardHeading } from "@/components/ui/card";

export type ProviderFormValues = {
  type: string;
  name: string;
  issuer: string;
  clientId: string;
  scopes: string;
  enabled: boolean;
  signupPolicy: string;
  allowedDomains: string[];
  defaultRole: string;
  autoGroups: string[];
  allowLinking: boolean;
  allowInternalAddresses: boolean;
  requireApproval: boolean;
};

/** The provider types; each one's name and hint are in "providersPage.types". */
const TYPES = [
  { value: "google", issuer: "https://accounts.google.com" },
  { value: "microsoft", issuer: "" },
  { value: "okta", issuer: "" },
  { value: "oidc", issuer: "" },
] as const;

export function ProviderForm({
  providerId,
  isNew,
  initial,
  redirectUrl,
  groups,
  readOnly,
}: {
  providerId: string;
  isNew: boolean;
  initial: ProviderFormValues;
  redirectUrl: string;
  groups: { id: string; name: string }[];
  readOnly: boolean;
}) {
  const action = isNew ? bindAction(createProviderAction, providerId) : bindAction(updateProviderAction, providerId);
  const form = useServerForm(action, { announce: true });
  const state = form.state;
  const t = useTranslations("providersPage");
  const tc = useTranslations("common");
  const roleOptions = useRoleOptions();
  const say = useServerText();
  const connectionTest = useConnectionTest(bindAction(testProviderAction, providerId));
  const { run: testAction, testing } = connectionTest;
  const test = say(connectionTest.state);
  const typeHint = (value: (typeof TYPES)[number]["value"]) =>
    value === "microsoft"
      ? t("types.microsoft.hint", { example: "https://login.microsoftonline.com/<tenant id>/v2.0" })
      : value === "oidc"
        ? t("types.oidc.hint", { discovery: "<issuer>/.well-known/openid-configuration" })
        : t(`types.${value}.hint`);
  const [type, setType] = useState(initial.type);
  const [policy, setPolicy] = useState(initial.signupPolicy);
  const policyId = useId();
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const typeInfo = TYPES.find((o) => o.value === type) ?? TYPES[3];
  return (
    <form {...connectionTest.watching(form.formProps)} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}

      <Fragment key={form.version}>
      <Card className="space-y-4">
        <CardHeading>{t("connection")}</CardHeading>
        <Select
          label={t("type")}
          name="type"
          options={TYPES.map((o) => ({ value: o.value, label: t(`types.${o.value}.label`) }))}
          defaultValue={v?.type ?? initial.type}
          onChange={setType}
          errors={errors.type}
          disabled={readOnly}
        />
        <TextField label={t("displayName")} name="name" required hint={t("displayNameHint", { max: SIGN_IN_SOURCE_NAME_MAX })} defaultValue={v?.name ?? initial.name} errors={errors.name} disabled={readOnly} />
        <TextField
          label={t("issuer")}
          name="issuer"
          type="url"
          required
          placeholder={typeInfo.issuer || "https://"}
          hint={typeHint(typeInfo.value)}
          defaultValue={v?.issuer ?? (initial.issuer || (isNew ? typeInfo.issuer : ""))}
          errors={errors.issuer}
          disabled={readOnly}
          key={isNew ? `issuer-${type}` : "issuer"}
        />
        <CopyField label={t("redirectUrl")} value={redirectUrl} hint={t("redirectUrlHint")} />
        <TextField label={t("clientId")} name="client_id" required autoComplete="off" defaultValue={v?.client_id ?? initial.clientId} errors={errors.client_id} disabled={readOnly} />
        <PasswordField
          label={t("clientSecret")}
          serviceSecret
          name="client_secret"
          required={isNew}
          hint={
            isNew
              ? t("clientSecretHintNew")
              : t("clientSecretHint")
          }
          errors={errors.client_secret ?? test.fieldErrors?.client_secret}
          disabled={readOnly}
        />
        <TextField label={t("scopes")} name="scopes" hint={t("scopesHint")} defaultValue={v?.scopes ?? initial.scopes} errors={errors.scopes} disabled={readOnly} />
        <Checkbox
          name="allow_internal_addresses"
          label={t("allowInternal")}
          hint={t("allowInternalHint")}
          defaultChecked={v ? v.allow_internal_addresses === "on" : initial.allowInternalAddresses}
          errors={errors.allow_internal_addresses}
          disabled={readOnly}
        />
        {!readOnly && (
          <div className="space-y-2">
            <Button
              variant="secondary"
              disabled={testing}
              onClick={(e) => {
                // Not a form submission: React would reset the fields after it.
                const data = new FormData();
                for (const name of ["issuer", "client_id", "client_secret"]) {
                  const field = e.currentTarget.form?.elements.namedItem(name) as HTMLInputElement | null;
                  data.set(name, field?.value ?? "");
                }
                const internal = e.currentTarget.form?.elements.namedItem("allow_internal_addresses") as HTMLInputElement | null;
                if (internal?.checked) data.set("allow_internal_addresses", "on");
                startTransition(() => testAction(data));
              }}
            >
              {testing ? t("testing") : t("testConnection")}
            </Button>
            {test.status !== "idle" && test.message && <Alert tone={test.status === "error" ? "error" : "success"}>{test.message}</Alert>}
          </div>
        )}
        {/* Keyed on the stored state: the header's Enable/Disable changes it without this form saving, and the box follows. */}
        <Checkbox key={String(initial.enabled)} name="enabled" label={t("enabled")} hint={t("enabledHint")} defaultChecked={v ? v.enabled === "on" : initial.enabled} errors={errors.enabled} disabled={readOnly} />
      </Card>

      <Card className="space-y-4">
        <CardHeading>{t("newUsers")}</CardHeading>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">{t("whoMay")}</legend>
          <div className="mt-2 space-y-2 text-sm text-slate-700">
            {(["open", "domains", "existing"] as const).map((value) => ({ value, label: t(`policies.${value}`) })).map((o) => (
              <label key={o.value} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="signup_policy"
                  value={o.value}
                  defaultChecked={(v?.signup_policy ?? initial.signupPolicy) === o.value}
                  onChange={() => setPolicy(o.value)}
                  aria-invalid={errors.signup_policy ? true : undefined}
                  aria-describedby={describedByOf(policyId, undefined, errors.signup_policy)}
                  disabled={readOnly}
                />
                {o.label}
              </label>
            ))}
          </div>
          <FieldErrorText id={policyId} errors={errors.signup_policy} className="mt-1" />
        </fieldset>
        {policy === "domains" && (
          <TextArea
            label={t("allowedDomains")}
            name="allowed_domains"
            rows={2}
            hint={t("allowedDomainsHint")}
            defaultValue={v?.allowed_domains ?? initial.allowedDomains.join("\n")}
            errors={errors.allowed_domains}
            disabled={readOnly}
          />
        )}
        <Select label={t("defaultRole")} name="default_role" options={roleOptions} defaultValue={v?.default_role ?? initial.defaultRole} errors={errors.default_role} disabled={readOnly} />
        <GroupCheckboxes groups={groups} selected={v?.auto_groups !== undefined ? listValue(v.auto_groups) : initial.autoGroups} errors={errors.auto_groups} legend={t("defaultGroups")} disabled={readOnly} />
        <Checkbox
          name="allow_linking"
          label={t("allowLinking")}
          hint={t("allowLinkingHint")}
          defaultChecked={v ? v.allow_linking === "on" : initial.allowLinking}
          errors={errors.allow_linking}
          disabled={readOnly}
        />
        <Checkbox
          name="require_approval"
          label={t("requireApproval")}
          hint={t("requireApprovalHint")}
          defaultChecked={v ? v.require_approval === "on" : initial.requireApproval}
          errors={errors.require_approval}
          disabled={readOnly}
        />
        <PrivilegedSignupConfirm errors={errors.accept_privileged_signup} submitted={v?.accept_privileged_signup} disabled={readOnly} />
      </Card>
      </Fragment>

      {!readOnly && (
        <FormActions pendingLabel={tc("saving")} pending={form.pending}>{isNew ? t("addProvider") : t("saveChanges")}</FormActions>
      )}
    </form>
  );
}
