"use client";

import { Fragment, startTransition, useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { saveLdapAction, testLdapAction } from "@/app/(dashboard)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { PasswordField } from "@/components/ui/password-field";
import { TextField } from "@/components/ui/text-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import { useServerForm, useServerText } from "@/components/ui/use-server-form";
import { useConnectionTest } from "@/components/ui/use-connection-test";
import { Select, useRoleOptions } from "./form-bits";
import { Checkbox } from "@/components/ui/checkbox";
import { PrivilegedSignupConfirm } from "./privileged-signup-confirm";
import { Card, CardHeading } from "@/components/ui/card";

/** Example values shown as placeholders: addresses and names, the same in every language. */
const EXAMPLES = ["ldaps://ldap.example.com:636", "cn=latchkey,ou=services,dc=example,dc=com", "ou=people,dc=example,dc=com", "ou=groups,dc=example,dc=com", "-----BEGIN CERTIFICATE-----"] as const;

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
  tlsCaCertificate: string;
};

let nextRowKey = 0;

/** The mapping rows a refused save kept (JSON of {ldap_group, group_id} pairs); none when unreadable. */
function keptMapping(kept: string): LdapFormValues["groupMapping"] {
  try {
    const rows: unknown = JSON.parse(kept);
    return Array.isArray(rows) ? rows.filter((r) => r && typeof r.ldap_group === "string" && typeof r.group_id === "string").map((r) => ({ ldap_group: r.ldap_group, group_id: r.group_id })) : [];
  } catch {
    return [];
  }
}

export function LdapForm({ initial, groups, readOnly }: { initial: LdapFormValues; groups: { id: string; name: string }[]; readOnly: boolean }) {
  const form = useServerForm(saveLdapAction, { announce: true });
  const state = form.state;
  const t = useTranslations("ldapPage");
  const tc = useTranslations("common");
  const roleOptions = useRoleOptions();
  const say = useServerText();
  const connectionTest = useConnectionTest(testLdapAction);
  const { run: testAction, testing } = connectionTest;
  const test = say(connectionTest.state);
  // A refused test names its field problems in its message (joined); said one by one in the person's language.
  const testFields = Object.values(test.fieldErrors ?? {}).flat();
  const testMessage = testFields.length > 0 ? testFields.join(" ") : test.message;
  // Rows carry their own key: with the index as key, removing a row showed the removed row's values in the next one.
  const rows = (list: LdapFormValues["groupMapping"]) => list.map((m) => ({ ...m, key: nextRowKey++ }));
  // A refused post without JavaScript renders again from what was sent (kept by the action as JSON).
  const [mapping, setMapping] = useState(() => rows(form.values?.group_mapping ? keptMapping(form.values.group_mapping) : initial.groupMapping));
  // After a save the rows show the stored mapping again (blank rows dropped, as the server did).
  const [mappingVersion, setMappingVersion] = useState(form.version);
  if (mappingVersion !== form.version) {
    setMappingVersion(form.version);
    setMapping(rows(initial.groupMapping));
  }
  // The keyboard stays in the list: an added row's first field takes the focus, and a removed row's Remove button
  // (gone with it) hands the focus to Add mapping rather than dropping it to the page.
  const addMapping = useRef<HTMLButtonElement>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    document.getElementById(`map-ldap-group-${focusRow}`)?.focus();
    setFocusRow(null);
  }, [focusRow]);
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const text = (name: string, fallback: string) => v?.[name] ?? fallback;
  return (
    <form {...connectionTest.watching(form.formProps)} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Fragment key={form.version}>
      <Card className="space-y-4">
        <CardHeading>{t("server")}</CardHeading>
        <TextField label={t("name")} name="name" hint={t("nameHint")} defaultValue={text("name", initial.name)} errors={errors.name} disabled={readOnly} />
        <TextField label={t("url")} name="url" placeholder={EXAMPLES[0]} hint={t("urlHint")} defaultValue={text("url", initial.url)} errors={errors.url} disabled={readOnly} />
        <Checkbox name="start_tls" label={t("startTls")} hint={t("startTlsHint")} defaultChecked={v ? v.start_tls === "on" : initial.startTls} errors={errors.start_tls} disabled={readOnly} />
        <TextAreaField
          label={t("caCertificate")}
          name="tls_ca_certificate"
          hint={t("caCertificateHint")}
          placeholder={EXAMPLES[4]}
          rows={4}
          spellCheck={false}
          defaultValue={text("tls_ca_certificate", initial.tlsCaCertificate)}
          errors={errors.tls_ca_certificate}
          disabled={readOnly}
        />
        <Checkbox
          name="allow_unencrypted"
          label={t("allowUnencrypted")}
          hint={t("allowUnencryptedHint")}
          defaultChecked={v ? v.allow_unencrypted === "on" : initial.allowUnencrypted}
          errors={errors.allow_unencrypted}
          disabled={readOnly}
        />
        <Checkbox
          name="allow_internal_addresses"
          label={t("allowInternal")}
          hint={t("allowInternalHint")}
          defaultChecked={v ? v.allow_internal_addresses === "on" : initial.allowInternalAddresses}
          errors={errors.allow_internal_addresses}
          disabled={readOnly}
        />
        <TextField label={t("bindDn")} name="bind_dn" placeholder={EXAMPLES[1]} hint={t("bindDnHint")} defaultValue={text("bind_dn", initial.bindDn)} errors={errors.bind_dn} disabled={readOnly} />
        <PasswordField
          label={t("bindPassword")}
          serviceSecret
          name="bind_password"
          hint={
            initial.bindPasswordSet
              ? t("bindPasswordHint")
              : t("bindPasswordHintNew")
          }
          errors={errors.bind_password}
          disabled={readOnly}
        />
      </Card>
      <Card className="space-y-4">
        <CardHeading>{t("users")}</CardHeading>
        <TextField label={t("searchBase")} name="search_base" placeholder={EXAMPLES[2]} defaultValue={text("search_base", initial.searchBase)} errors={errors.search_base} disabled={readOnly} />
        <TextField label={t("userFilter")} name="user_filter" hint={t("userFilterHint", { username: "{username}", example: "(&(objectClass=user)(sAMAccountName={username}))" })} defaultValue={text("user_filter", initial.userFilter)} errors={errors.user_filter} disabled={readOnly} />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label={t("usernameAttribute")} name="username_attribute" defaultValue={text("username_attribute", initial.usernameAttribute)} errors={errors.username_attribute} disabled={readOnly} />
          <TextField label={t("emailAttribute")} name="email_attribute" defaultValue={text("email_attribute", initial.emailAttribute)} errors={errors.email_attribute} disabled={readOnly} />
          <TextField label={t("nameAttribute")} name="name_attribute" defaultValue={text("name_attribute", initial.nameAttribute)} errors={errors.name_attribute} disabled={readOnly} />
        </div>
        <Checkbox name="auto_create" label={t("autoCreate")} hint={t("autoCreateHint")} defaultChecked={v ? v.auto_create === "on" : initial.autoCreate} errors={errors.auto_create} disabled={readOnly} />
        <Select label={t("defaultRole")} name="default_role" options={roleOptions} defaultValue={text("default_role", initial.defaultRole)} errors={errors.default_role} disabled={readOnly} />
      </Card>
      <Card className="space-y-4">
        <CardHeading>{t("groupMapping")}</CardHeading>
        <p className="text-sm text-slate-600">{t("groupMappingBody")}</p>
        <TextField label={t("groupSearchBase")} name="group_search_base" placeholder={EXAMPLES[3]} defaultValue={text("group_search_base", initial.groupSearchBase)} errors={errors.group_search_base} disabled={readOnly} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={t("groupFilter")} name="group_filter" hint={t("groupFilterHint", { dn: "{dn}" })} defaultValue={text("group_filter", initial.groupFilter)} errors={errors.group_filter} disabled={readOnly} />
          <TextField label={t("groupNameAttribute")} name="group_name_attribute" defaultValue={text("group_name_attribute", initial.groupNameAttribute)} errors={errors.group_name_attribute} disabled={readOnly} />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-900">{t("mappings")}</legend>
          {mapping.length === 0 && <p className="text-sm text-slate-500">{t("noMappings")}</p>}
          {mapping.map((m, i) => (
            <div key={m.key} className="flex items-end gap-2">
              <TextField id={`map-ldap-group-${i}`} label={t("directoryGroup", { n: i + 1 })} name="map_ldap_group" defaultValue={m.ldap_group} className="flex-1" disabled={readOnly} />
              <div className="flex-1">
                <Select id={`map-group-id-${i}`} label={t("latchkeyGroup", { n: i + 1 })} name="map_group_id" options={[{ value: "", label: t("chooseGroup") }, ...groups.map((g) => ({ value: g.id, label: g.name }))]} defaultValue={m.group_id} disabled={readOnly} />
              </div>
              {!readOnly && (
                <Button
                  variant="secondary"
                  onClick={() => {
                    addMapping.current?.focus();
                    setMapping(mapping.filter((_, j) => j !== i));
                  }}
                >
                  {t("remove")}<span className="sr-only"> {t("removeMapping", { n: i + 1 })}</span>
                </Button>
              )}
            </div>
          ))}
          {errors.group_mapping && <p className="text-sm text-red-600">{errors.group_mapping.join(" ")}</p>}
          {!readOnly && (
            <Button
              ref={addMapping}
              variant="secondary"
              onClick={() => {
                setMapping([...mapping, ...rows([{ ldap_group: "", group_id: "" }])]);
                setFocusRow(mapping.length);
              }}
              disabled={groups.length === 0}
            >
              {t("addMapping")}
            </Button>
          )}
          {groups.length === 0 && <p className="text-xs text-slate-500">{t("noGroups")}</p>}
        </fieldset>
      </Card>
      <Checkbox name="enabled" label={t("enabled")} hint={t("enabledHint")} defaultChecked={v ? v.enabled === "on" : initial.enabled} errors={errors.enabled} disabled={readOnly} />
      <PrivilegedSignupConfirm label={t("acceptPrivilegedSignup")} errors={errors.accept_privileged_signup} submitted={v?.accept_privileged_signup} disabled={readOnly} />
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
            {testing ? t("testing") : t("testConnection")}
          </Button>
          <SubmitButton pendingLabel={tc("saving")} pending={form.pending}>{t("save")}</SubmitButton>
        </div>
      )}
      {test.status !== "idle" && testMessage && <Alert tone={test.status === "error" ? "error" : "success"}>{testMessage}</Alert>}
    </form>
  );
}
