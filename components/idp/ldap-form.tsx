"use client";

import { Fragment, startTransition, useActionState, useState } from "react";
import { saveLdapAction, testLdapAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { PasswordField } from "@/components/ui/password-field";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { initialFormState } from "@/lib/forms/form-state";
import { Checkbox, errorsFor, ROLE_OPTIONS, Select } from "./form-bits";

export type LdapFormValues = {
  name: string;
  enabled: boolean;
  url: string;
  startTls: boolean;
  bindDn: string;
  bindPasswordSet: boolean;
  searchBase: string;
  userFilter: string;
  usernameAttribute: string;
  emailAttribute: string;
  nameAttribute: string;
  groupSearchBase: string;
  groupFilter: string;
  groupNameAttribute: string;
  groupMapping: { ldap_group: string; group_id: string }[];
  autoCreate: boolean;
  defaultRole: string;
  allowUnencrypted: boolean;
  allowInternalAddresses: boolean;
};

let nextRowKey = 0;

export function LdapForm({ initial, groups, readOnly }: { initial: LdapFormValues; groups: { id: string; name: string }[]; readOnly: boolean }) {
  const form = useServerForm(saveLdapAction, { announce: true });
  const state = form.state;
  const [test, testAction, testing] = useActionState(testLdapAction, initialFormState);
  // Rows carry their own key: with the index as key, removing a row showed the removed row's values in the next one.
  const rows = (list: LdapFormValues["groupMapping"]) => list.map((m) => ({ ...m, key: nextRowKey++ }));
  const [mapping, setMapping] = useState(() => rows(initial.groupMapping));
  // After a save the rows show the stored mapping again (blank rows dropped, as the server did).
  const [mappingVersion, setMappingVersion] = useState(form.version);
  if (mappingVersion !== form.version) {
    setMappingVersion(form.version);
    setMapping(rows(initial.groupMapping));
  }
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const text = (name: string, fallback: string) => v?.[name] ?? fallback;
  return (
    <form {...form.formProps} className="space-y-6" noValidate>
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Fragment key={form.version}>
      <section className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-base font-semibold text-slate-900">Server</h2>
        <TextField label="Name" name="name" hint="Shown as the badge of directory users in Team → Users." defaultValue={text("name", initial.name)} errors={errors.name} disabled={readOnly} />
        <TextField label="Server URL" name="url" placeholder="ldaps://ldap.example.com:636" hint="ldap://host:389 or ldaps://host:636." defaultValue={text("url", initial.url)} errors={errors.url} disabled={readOnly} />
        <Checkbox name="start_tls" label="Use StartTLS" hint="Upgrade an ldap:// connection to TLS before binding." defaultChecked={v ? v.start_tls === "on" : initial.startTls} disabled={readOnly} />
        <Checkbox
          name="allow_unencrypted"
          label="Allow unencrypted connections"
          hint="Warning: with ldap:// and no StartTLS, the service account's password and every person's password cross the network in the clear. Only for a directory on this machine or a trusted network."
          defaultChecked={v ? v.allow_unencrypted === "on" : initial.allowUnencrypted}
          disabled={readOnly}
        />
        {errors.allow_unencrypted && <p className="text-sm text-red-600">{errors.allow_unencrypted.join(" ")}</p>}
        <Checkbox
          name="allow_internal_addresses"
          label="Allow internal addresses"
          hint="Let Latchkey connect to a directory on this machine (localhost, 127.0.0.1, ::1). Private network addresses work without this; link-local and cloud metadata addresses never do."
          defaultChecked={v ? v.allow_internal_addresses === "on" : initial.allowInternalAddresses}
          disabled={readOnly}
        />
        <TextField label="Bind DN" name="bind_dn" placeholder="cn=latchkey,ou=services,dc=example,dc=com" hint="The service account that searches for users." defaultValue={text("bind_dn", initial.bindDn)} errors={errors.bind_dn} disabled={readOnly} />
        <PasswordField
          label="Bind password"
          keepAfterError
          name="bind_password"
          autoComplete="new-password"
          hint={
            initial.bindPasswordSet
              ? "Stored encrypted and never shown. Leave empty to keep it; type a new one to replace it. Changing the server URL, StartTLS, bind DN, search bases or filters needs it again."
              : "Stored encrypted and never shown again."
          }
          errors={errors.bind_password}
          disabled={readOnly}
        />
      </section>
      <section className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-base font-semibold text-slate-900">Users</h2>
        <TextField label="User search base" name="search_base" placeholder="ou=people,dc=example,dc=com" defaultValue={text("search_base", initial.searchBase)} errors={errors.search_base} disabled={readOnly} />
        <TextField label="User filter" name="user_filter" hint="{username} is replaced by what the person types (escaped). Active Directory: (&(objectClass=user)(sAMAccountName={username}))" defaultValue={text("user_filter", initial.userFilter)} errors={errors.user_filter} disabled={readOnly} />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label="Username attribute" name="username_attribute" defaultValue={text("username_attribute", initial.usernameAttribute)} errors={errors.username_attribute} disabled={readOnly} />
          <TextField label="Email attribute" name="email_attribute" defaultValue={text("email_attribute", initial.emailAttribute)} errors={errors.email_attribute} disabled={readOnly} />
          <TextField label="Display name attribute" name="name_attribute" defaultValue={text("name_attribute", initial.nameAttribute)} errors={errors.name_attribute} disabled={readOnly} />
        </div>
        <Checkbox name="auto_create" label="Create users on first sign-in" hint="Otherwise only directory users an admin added first can sign in." defaultChecked={v ? v.auto_create === "on" : initial.autoCreate} disabled={readOnly} />
        <Select label="Default role" name="default_role" options={ROLE_OPTIONS} defaultValue={text("default_role", initial.defaultRole)} errors={errors.default_role} disabled={readOnly} />
      </section>
      <section className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-base font-semibold text-slate-900">Group mapping (optional)</h2>
        <p className="text-sm text-slate-600">Members of a directory group join the Latchkey group it maps to at each sign-in, and leave it when they leave the directory group.</p>
        <TextField label="Group search base" name="group_search_base" placeholder="ou=groups,dc=example,dc=com" defaultValue={text("group_search_base", initial.groupSearchBase)} errors={errors.group_search_base} disabled={readOnly} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Group filter" name="group_filter" hint="{dn} is the user's DN." defaultValue={text("group_filter", initial.groupFilter)} errors={errors.group_filter} disabled={readOnly} />
          <TextField label="Group name attribute" name="group_name_attribute" defaultValue={text("group_name_attribute", initial.groupNameAttribute)} errors={errors.group_name_attribute} disabled={readOnly} />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-900">Mappings</legend>
          {mapping.length === 0 && <p className="text-sm text-slate-500">No mappings.</p>}
          {mapping.map((m, i) => (
            <div key={m.key} className="flex items-end gap-2">
              <TextField id={`map-ldap-group-${i}`} label={`Directory group ${i + 1}`} name="map_ldap_group" defaultValue={m.ldap_group} className="flex-1" disabled={readOnly} />
              <div className="flex-1">
                <Select id={`map-group-id-${i}`} label={`Latchkey group ${i + 1}`} name="map_group_id" options={[{ value: "", label: "Choose a group" }, ...groups.map((g) => ({ value: g.id, label: g.name }))]} defaultValue={m.group_id} disabled={readOnly} />
              </div>
              {!readOnly && (
                <Button variant="secondary" onClick={() => setMapping(mapping.filter((_, j) => j !== i))}>
                  Remove<span className="sr-only"> mapping {i + 1}</span>
                </Button>
              )}
            </div>
          ))}
          {errorsFor(errors, "group_mapping") && <p className="text-sm text-red-600">{errorsFor(errors, "group_mapping")!.join(" ")}</p>}
          {!readOnly && (
            <Button variant="secondary" onClick={() => setMapping([...mapping, ...rows([{ ldap_group: "", group_id: "" }])])} disabled={groups.length === 0}>
              Add mapping
            </Button>
          )}
          {groups.length === 0 && <p className="text-xs text-slate-500">Create groups in Team → Groups to map directory groups to them.</p>}
        </fieldset>
      </section>
      <Checkbox name="enabled" label="Enabled" hint="Directory users sign in on the normal sign-in form with their username (or email) and password." defaultChecked={v ? v.enabled === "on" : initial.enabled} disabled={readOnly} />
      </Fragment>
      {!readOnly && (
        <div className="flex flex-wrap items-center justify-end gap-2">
          <Button
            variant="secondary"
            disabled={testing}
            onClick={(e) => {
              const form = e.currentTarget.form;
              if (form) startTransition(() => testAction(new FormData(form)));
            }}
          >
            {testing ? "Testing…" : "Test connection"}
          </Button>
          <SubmitButton pendingLabel="Saving…" pending={form.pending}>Save LDAP settings</SubmitButton>
        </div>
      )}
      {test.status !== "idle" && test.message && <Alert tone={test.status === "error" ? "error" : "success"}>{test.message}</Alert>}
    </form>
  );
}
