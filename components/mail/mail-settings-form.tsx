"use client";

import { saveMailSettingsAction } from "@/app/(dashboard)/settings/email/actions";
import { Checkbox, errorsFor, Select } from "@/components/idp/form-bits";
import { Alert } from "@/components/ui/alert";
import { PasswordField } from "@/components/ui/password-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";

export type MailSettingsFormValues = {
  source: "environment" | "settings";
  host: string;
  port: number;
  security: string;
  username: string;
  hasPassword: boolean;
  fromName: string;
  fromAddress: string;
  publicUrl: string;
  publicUrlFromEnvironment: boolean;
  notices: { passwordChanged: boolean; twoFactorChanged: boolean; accessTokenCreated: boolean; newBrowser: boolean };
};

const SECURITY = [
  { value: "starttls", label: "STARTTLS (usually port 587)" },
  { value: "tls", label: "TLS (usually port 465)" },
  { value: "none", label: "None (only for a server on this machine or network)" },
];

export function MailSettingsForm({ initial, readOnly }: { initial: MailSettingsFormValues; readOnly: boolean }) {
  const form = useServerForm(saveMailSettingsAction, { announce: true });
  const state = form.state;
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const fromEnv = initial.source === "environment";
  const serverLocked = readOnly || fromEnv;
  const notice = (name: string, on: boolean) => (v ? v[name] === "on" : on);
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <section key={`url-${form.version}`} aria-labelledby="mail-address-heading" className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="mail-address-heading" className="text-base font-semibold text-slate-900">Public address</h2>
        <TextField
          label="Public URL"
          name="public_url"
          placeholder="https://team.example.com"
          hint={initial.publicUrlFromEnvironment ? "Set by PUBLIC_URL in the environment." : "Where people reach this instance. Links in mail start with it (never with the address a request came in on)."}
          defaultValue={v?.public_url ?? initial.publicUrl}
          errors={errorsFor(errors, "public_url")}
          readOnly={readOnly || initial.publicUrlFromEnvironment}
        />
      </section>
      <section key={`server-${form.version}`} aria-labelledby="mail-server-heading" className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="mail-server-heading" className="text-base font-semibold text-slate-900">Mail server</h2>
        {fromEnv && <Alert tone="info">Set by SMTP_URL and SMTP_FROM in the environment: change them there.</Alert>}
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField className="sm:col-span-2" label="SMTP host" name="host" placeholder="mail.example.com" hint="Empty: no mail; links are shown to copy." defaultValue={v?.host ?? initial.host} errors={errors.host} readOnly={serverLocked} />
          <TextField label="Port" name="port" inputMode="numeric" defaultValue={v?.port ?? String(initial.port)} errors={errors.port} readOnly={serverLocked} />
        </div>
        <Select label="Security" name="security" options={SECURITY} defaultValue={v?.security ?? initial.security} errors={errors.security} disabled={serverLocked} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Username" name="username" autoComplete="off" hint="Optional." defaultValue={v?.username ?? initial.username} errors={errors.username} readOnly={serverLocked} />
          {!serverLocked ? (
            <PasswordField
              label="Password"
              name="password"
              autoComplete="new-password"
              keepAfterError
              hint={initial.hasPassword ? "A password is stored. Leave empty to keep it." : "Optional. Stored encrypted; never shown again."}
              errors={errors.password}
            />
          ) : (
            <TextField label="Password" name="password_state" value={initial.hasPassword ? "Stored (not shown)" : "None"} readOnly />
          )}
        </div>
        {!serverLocked && initial.hasPassword && <Checkbox name="clear_password" label="Remove the stored password" />}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="From name" name="from_name" placeholder="Latchkey" defaultValue={v?.from_name ?? initial.fromName} errors={errors.from_name} readOnly={serverLocked} />
          <TextField label="From address" name="from_address" type="email" placeholder="latchkey@example.com" defaultValue={v?.from_address ?? initial.fromAddress} errors={errors.from_address} readOnly={serverLocked} />
        </div>
      </section>
      <section key={`notices-${form.version}`} aria-labelledby="mail-notices-heading" className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="mail-notices-heading" className="text-base font-semibold text-slate-900">Security notices</h2>
        <p className="text-sm text-slate-600">Mail the person when something changes on their account.</p>
        <Checkbox name="notice_password_changed" label="Password changed" defaultChecked={notice("notice_password_changed", initial.notices.passwordChanged)} disabled={readOnly} />
        <Checkbox name="notice_two_factor_changed" label="Two-factor authentication changed" defaultChecked={notice("notice_two_factor_changed", initial.notices.twoFactorChanged)} disabled={readOnly} />
        <Checkbox name="notice_access_token_created" label="New access token created" defaultChecked={notice("notice_access_token_created", initial.notices.accessTokenCreated)} disabled={readOnly} />
        <Checkbox name="notice_new_browser" label="Sign-in from a new browser" defaultChecked={notice("notice_new_browser", initial.notices.newBrowser)} disabled={readOnly} />
      </section>
      {!readOnly && (
        <div className="flex justify-end">
          <SubmitButton pendingLabel="Saving…" pending={form.pending}>Save email settings</SubmitButton>
        </div>
      )}
    </form>
  );
}
