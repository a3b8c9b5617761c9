"use client";

import { useTranslations } from "next-intl";
import { saveMailSettingsAction } from "@/app/(dashboard)/settings/email/actions";
import { Select } from "@/components/idp/form-bits";
import { Checkbox } from "@/components/ui/checkbox";
import { Alert } from "@/components/ui/alert";
import { PasswordField } from "@/components/ui/password-field";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { ProofFields } from "@/components/mfa/proof-fields";
import type { ProofKind } from "@/lib/mfa/proof-texts";
import { Card, CardHeading } from "@/components/ui/card";

/** Example values shown as placeholders: addresses and names, the same in every language. */
const EXAMPLES = ["https://team.example.com", "mail.example.com", "latchkey@example.com"] as const;

export type MailSettingsFormValues = {
  source: "environment" | "settings";
  host: string;
  port: number;
  security: string;
  /** Empty for people other than the owner (hasUsername says whether one is set). */
  username: string;
  hasUsername: boolean;
  hasPassword: boolean;
  fromName: string;
  fromAddress: string;
  publicUrl: string;
  publicUrlFromEnvironment: boolean;
  notices: { passwordChanged: boolean; twoFactorChanged: boolean; accessTokenCreated: boolean; newBrowser: boolean };
};

const SECURITY = ["starttls", "tls", "none"] as const;

/**
 * Settings → Email. Saves only the fields the person changed (useServerForm names them). `proof`: what the
 * owner gives to show it's them when mail would go somewhere else (lib/mail/settings.ts asks).
 */
export function MailSettingsForm({ initial, readOnly, proof }: { initial: MailSettingsFormValues; readOnly: boolean; proof?: ProofKind }) {
  const form = useServerForm(saveMailSettingsAction, { announce: true });
  const state = form.state;
  const t = useTranslations("emailPage");
  const tc = useTranslations("common");
  const errors = state.fieldErrors ?? {};
  const v = form.values;
  const fromEnv = initial.source === "environment";
  const serverLocked = readOnly || fromEnv;
  const notice = (name: string, on: boolean) => (v ? v[name] === "on" : on);
  return (
    <form {...form.formProps} className="space-y-6">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <Card key={`url-${form.version}`} labelledBy="mail-address-heading" className="space-y-4">
        <CardHeading id="mail-address-heading">{t("publicAddress")}</CardHeading>
        <TextField
          label={t("publicUrl")}
          name="public_url"
          placeholder={EXAMPLES[0]}
          hint={initial.publicUrlFromEnvironment ? t("publicUrlFromEnv") : t("publicUrlHint")}
          defaultValue={v?.public_url ?? initial.publicUrl}
          errors={errors.public_url}
          readOnly={readOnly || initial.publicUrlFromEnvironment}
        />
      </Card>
      <Card key={`server-${form.version}`} labelledBy="mail-server-heading" className="space-y-4">
        <CardHeading id="mail-server-heading">{t("mailServer")}</CardHeading>
        {fromEnv && <Alert tone="info">{t("serverFromEnv")}</Alert>}
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField className="sm:col-span-2" label={t("host")} name="host" placeholder={EXAMPLES[1]} hint={t("hostHint")} defaultValue={v?.host ?? initial.host} errors={errors.host} readOnly={serverLocked} />
          <TextField label={t("port")} name="port" inputMode="numeric" defaultValue={v?.port ?? String(initial.port)} errors={errors.port} readOnly={serverLocked} />
        </div>
        <Select label={t("security")} name="security" options={SECURITY.map((value) => ({ value, label: t(`securityOptions.${value}`) }))} defaultValue={v?.security ?? initial.security} errors={errors.security} disabled={serverLocked} />
        <div className="grid gap-4 sm:grid-cols-2">
          {readOnly ? (
            <TextField label={t("username")} name="username_state" value={initial.hasUsername ? t("usernameSet") : t("usernameNone")} readOnly />
          ) : (
            <TextField label={t("username")} name="username" autoComplete="off" hint={t("optional")} defaultValue={v?.username ?? initial.username} errors={errors.username} readOnly={serverLocked} />
          )}
          {!serverLocked ? (
            <PasswordField
              label={t("password")}
              name="password"
              serviceSecret
              hint={initial.hasPassword ? t("passwordStoredHint") : t("passwordHint")}
              errors={errors.password}
            />
          ) : (
            <TextField label={t("password")} name="password_state" value={initial.hasPassword ? t("passwordStored") : t("passwordNone")} readOnly />
          )}
        </div>
        {!serverLocked && initial.hasPassword && <Checkbox name="clear_password" label={t("clearPassword")} />}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={t("fromName")} name="from_name" placeholder="Latchkey" defaultValue={v?.from_name ?? initial.fromName} errors={errors.from_name} readOnly={serverLocked} />
          <TextField label={t("fromAddress")} name="from_address" type="email" placeholder={EXAMPLES[2]} defaultValue={v?.from_address ?? initial.fromAddress} errors={errors.from_address} readOnly={serverLocked} />
        </div>
      </Card>
      <Card key={`notices-${form.version}`} labelledBy="mail-notices-heading" className="space-y-4">
        <CardHeading id="mail-notices-heading">{t("notices")}</CardHeading>
        <p className="text-sm text-slate-600">{t("noticesBody")}</p>
        <Checkbox name="notice_password_changed" label={t("noticePasswordChanged")} defaultChecked={notice("notice_password_changed", initial.notices.passwordChanged)} disabled={readOnly} />
        <Checkbox name="notice_two_factor_changed" label={t("noticeTwoFactorChanged")} defaultChecked={notice("notice_two_factor_changed", initial.notices.twoFactorChanged)} disabled={readOnly} />
        <Checkbox name="notice_access_token_created" label={t("noticeTokenCreated")} defaultChecked={notice("notice_access_token_created", initial.notices.accessTokenCreated)} disabled={readOnly} />
        <Checkbox name="notice_new_browser" label={t("noticeNewBrowser")} defaultChecked={notice("notice_new_browser", initial.notices.newBrowser)} disabled={readOnly} />
      </Card>
      {!readOnly && proof && (
        <Card key={`proof-${form.version}`} className="space-y-4">
          <ProofFields proof={proof} errors={errors} why={t("proofWhy")} passwordName="current_password" ids={{ password: "mail-proof-password", code: "mail-proof-code" }} required={false} />
        </Card>
      )}
      {!readOnly && (
        <FormActions pendingLabel={tc("saving")} pending={form.pending}>{t("save")}</FormActions>
      )}
    </form>
  );
}
