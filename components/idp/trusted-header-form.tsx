"use client";

import { saveTrustedHeaderAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { Checkbox, errorsFor, ROLE_OPTIONS, Select, TextArea } from "./form-bits";

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
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <section key={form.version} className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <Checkbox
          name="enabled"
          label="Sign people in from a trusted proxy's header"
          hint="Only requests whose network peer is in the ranges below are believed. The same header from any other address is ignored."
          defaultChecked={v ? v.enabled === "on" : initial.enabled}
          disabled={readOnly}
        />
        <TextArea
          label="Trusted proxy addresses"
          name="trusted_ranges"
          rows={3}
          hint={`Address ranges (CIDR) or single addresses of your reverse proxy, separated by commas or new lines, like 10.0.0.0/8 or 127.0.0.1/32.${yourAddress ? ` This request came from ${yourAddress}.` : ""}`}
          defaultValue={v?.trusted_ranges ?? initial.trustedRanges.join("\n")}
          errors={errorsFor(errors, "trusted_ranges")}
          disabled={readOnly}
        />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label="User header" name="user_header" hint="The user name (or email) the proxy signed in." defaultValue={v?.user_header ?? initial.userHeader} errors={errors.user_header} disabled={readOnly} />
          <TextField label="Email header" name="email_header" placeholder="Remote-Email" hint="Optional." defaultValue={v?.email_header ?? initial.emailHeader} errors={errors.email_header} disabled={readOnly} />
          <TextField label="Name header" name="name_header" placeholder="Remote-Name" hint="Optional." defaultValue={v?.name_header ?? initial.nameHeader} errors={errors.name_header} disabled={readOnly} />
        </div>
        <Checkbox
          name="auto_create"
          label="Create users the proxy vouches for"
          hint="Off: only people who came in through the proxy before, or users and auditors with the proxy's email, get in (owners and admins are never matched by email). On: anyone else with an email gets a new user."
          defaultChecked={v ? v.auto_create === "on" : initial.autoCreate}
          disabled={readOnly}
        />
        <Select label="Default role" name="default_role" options={ROLE_OPTIONS} defaultValue={v?.default_role ?? initial.defaultRole} errors={errors.default_role} disabled={readOnly} />
      </section>
      {!readOnly && (
        <div className="flex justify-end">
          <SubmitButton pendingLabel="Saving…" pending={form.pending}>Save proxy header settings</SubmitButton>
        </div>
      )}
    </form>
  );
}
