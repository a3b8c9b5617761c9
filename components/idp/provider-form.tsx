"use client";

import { Fragment, startTransition, useActionState, useState } from "react";
import { createProviderAction, testDiscoveryAction, updateProviderAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { PasswordField } from "@/components/ui/password-field";
import { TextField } from "@/components/ui/text-field";
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { useServerForm } from "@/components/ui/use-server-form";
import { initialFormState } from "@/lib/forms/form-state";
import { CopyField } from "@/components/ui/copy-field";
import { Checkbox, errorsFor, ROLE_OPTIONS, Select, TextArea } from "./form-bits";

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

const TYPES = [
  { value: "google", label: "Google", issuer: "https://accounts.google.com", hint: "Google's issuer is https://accounts.google.com. Create an OAuth client (Web application) in Google Cloud → APIs & Services → Credentials." },
  { value: "microsoft", label: "Microsoft Entra ID", issuer: "", hint: "https://login.microsoftonline.com/<tenant id>/v2.0 — register an app in Entra ID → App registrations (Web platform). Add the optional claim xms_edov to let Latchkey trust emails for linking and domain rules." },
  { value: "okta", label: "Okta", issuer: "", hint: "Your Okta org URL, like https://your-org.okta.com (or an authorization server, https://your-org.okta.com/oauth2/default). Create an OIDC Web Application." },
  { value: "oidc", label: "Generic OpenID Connect", issuer: "", hint: "The issuer URL; Latchkey reads <issuer>/.well-known/openid-configuration." },
];

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
  const action = isNew ? createProviderAction.bind(null, providerId) : updateProviderAction.bind(null, providerId);
  const form = useServerForm(action, { announce: true });
  const state = form.state;
  const [test, testAction, testing] = useActionState(testDiscoveryAction, initialFormState);
  const [type, setType] = useState(initial.type);
  const [policy, setPolicy] = useState(initial.signupPolicy);
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const typeInfo = TYPES.find((t) => t.value === type) ?? TYPES[3];
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}

      <Fragment key={form.version}>
      <section className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-base font-semibold text-slate-900">Connection</h2>
        <Select
          label="Type"
          name="type"
          options={TYPES.map((t) => ({ value: t.value, label: t.label }))}
          defaultValue={v?.type ?? initial.type}
          onChange={setType}
          errors={errors.type}
          disabled={readOnly}
        />
        <TextField label="Display name" name="name" required maxLength={64} hint="Shown on the sign-in button: “Sign in with …”." defaultValue={v?.name ?? initial.name} errors={errors.name} disabled={readOnly} />
        <TextField
          label="Issuer URL"
          name="issuer"
          type="url"
          required
          placeholder={typeInfo.issuer || "https://"}
          hint={typeInfo.hint}
          defaultValue={v?.issuer ?? (initial.issuer || (isNew ? typeInfo.issuer : ""))}
          errors={errors.issuer}
          disabled={readOnly}
          key={isNew ? `issuer-${type}` : "issuer"}
        />
        <CopyField label="Redirect URL" value={redirectUrl} hint="Register this as the redirect (callback) URI of the client at the provider." />
        <TextField label="Client ID" name="client_id" required autoComplete="off" defaultValue={v?.client_id ?? initial.clientId} errors={errors.client_id} disabled={readOnly} />
        <PasswordField
          label="Client secret"
          keepAfterError
          name="client_secret"
          autoComplete="new-password"
          required={isNew}
          hint={
            isNew
              ? "Stored encrypted and never shown again."
              : "Stored encrypted and never shown. Leave empty to keep the current secret; type a new one to replace it. Changing the issuer URL or client ID needs it again."
          }
          errors={errors.client_secret}
          disabled={readOnly}
        />
        <TextField label="Scopes" name="scopes" hint="Separated by spaces; must include openid." defaultValue={v?.scopes ?? initial.scopes} errors={errors.scopes} disabled={readOnly} />
        <Checkbox
          name="allow_internal_addresses"
          label="Allow internal addresses"
          hint="Let Latchkey call a provider on this machine (localhost, 127.0.0.1, ::1). Private network addresses work without this; link-local and cloud metadata addresses never do."
          defaultChecked={v ? v.allow_internal_addresses === "on" : initial.allowInternalAddresses}
          disabled={readOnly}
        />
        {!readOnly && (
          <div className="space-y-2">
            <Button
              variant="secondary"
              disabled={testing}
              onClick={(e) => {
                // Not a form submission: React would reset the fields after it.
                const issuer = e.currentTarget.form?.elements.namedItem("issuer") as HTMLInputElement | null;
                const data = new FormData();
                data.set("issuer", issuer?.value ?? "");
                const internal = e.currentTarget.form?.elements.namedItem("allow_internal_addresses") as HTMLInputElement | null;
                if (internal?.checked) data.set("allow_internal_addresses", "on");
                startTransition(() => testAction(data));
              }}
            >
              {testing ? "Testing…" : "Test connection"}
            </Button>
            {test.status !== "idle" && test.message && <Alert tone={test.status === "error" ? "error" : "success"}>{test.message}</Alert>}
          </div>
        )}
        <Checkbox name="enabled" label="Enabled" hint="Show a “Sign in with …” button on the sign-in page." defaultChecked={v ? v.enabled === "on" : initial.enabled} disabled={readOnly} />
      </section>

      <section className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-base font-semibold text-slate-900">New users</h2>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Who may sign in the first time</legend>
          <div className="mt-2 space-y-2 text-sm text-slate-700">
            {[
              { value: "open", label: "Anyone the provider signs in (a user is created on first sign-in)" },
              { value: "domains", label: "Only verified emails of these domains (created on first sign-in)" },
              { value: "existing", label: "Only people an admin created or invited, matched by verified email" },
            ].map((o) => (
              <label key={o.value} className="flex items-center gap-2">
                <input type="radio" name="signup_policy" value={o.value} defaultChecked={(v?.signup_policy ?? initial.signupPolicy) === o.value} onChange={() => setPolicy(o.value)} disabled={readOnly} />
                {o.label}
              </label>
            ))}
          </div>
        </fieldset>
        {policy === "domains" && (
          <TextArea
            label="Allowed domains"
            name="allowed_domains"
            rows={2}
            hint="Separated by commas, spaces or new lines, like example.com."
            defaultValue={v?.allowed_domains ?? initial.allowedDomains.join("\n")}
            errors={errorsFor(errors, "allowed_domains")}
            disabled={readOnly}
          />
        )}
        <Select label="Default role" name="default_role" options={ROLE_OPTIONS} defaultValue={v?.default_role ?? initial.defaultRole} errors={errors.default_role} disabled={readOnly} />
        <GroupCheckboxes groups={groups} selected={initial.autoGroups} errors={errors.auto_groups} legend="Default groups" disabled={readOnly} />
        <Checkbox
          name="allow_linking"
          label="Link existing users by verified email"
          hint="A local user or auditor whose email the provider confirms is linked to it on first sign-in, and keeps their password. Owners and admins are never linked by email."
          defaultChecked={v ? v.allow_linking === "on" : initial.allowLinking}
          disabled={readOnly}
        />
        {errors.allow_linking && <p className="text-sm text-red-600">{errors.allow_linking.join(" ")}</p>}
        <Checkbox
          name="require_approval"
          label="New users wait for an admin's approval"
          hint="People signing in for the first time are added as Pending approval and can't use Latchkey until an admin approves them in Team → Users."
          defaultChecked={v ? v.require_approval === "on" : initial.requireApproval}
          disabled={readOnly}
        />
      </section>
      </Fragment>

      {!readOnly && (
        <div className="flex justify-end">
          <SubmitButton pendingLabel="Saving…" pending={form.pending}>{isNew ? "Add Provider" : "Save changes"}</SubmitButton>
        </div>
      )}
    </form>
  );
}
