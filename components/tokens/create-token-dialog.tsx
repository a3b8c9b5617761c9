"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { createTokenAction } from "@/app/(dashboard)/token-actions";
import { PermissionGrid, type GridPermission } from "@/components/roles/permission-grid";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { FormActions } from "@/components/ui/form-actions";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import { TOKEN_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH } from "@/lib/tokens/limits";
import { bindAction } from "@/lib/forms/bind-action";
import { ProofFields } from "@/components/mfa/proof-fields";
import type { ProofKind } from "@/lib/mfa/proof-texts";

/**
 * What the token may be narrowed to: its owner's permissions (grouped by
 * module), of which the viewer may only hand on those they hold themselves.
 */
export type TokenScopeChoice = { permissions: GridPermission[]; grantable: string[]; whose: "your" | "its" };

function ScopePicker({ choice, kept }: { choice: TokenScopeChoice; kept?: Record<string, string> }) {
  const [some, setSome] = useState(kept?.scope === "some");
  const t = useTranslations("tokensPage.create");
  const whose = choice.whose;
  if (choice.permissions.length === 0) {
    return <p className="text-sm text-slate-600">{t(`noPermissions.${whose}`)}</p>;
  }
  const grantable = new Set(choice.grantable);
  const checked = new Set(kept?.scope === "some" ? (kept.permissions ? kept.permissions.split(",") : []) : choice.grantable);
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-900">{t("scope")}</legend>
      <div className="mt-2 space-y-2">
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="scope" value="all" checked={!some} onChange={() => setSome(false)} className="mt-1 h-4 w-4 text-indigo-600" />
          <span>
            {t(`all.${whose}`)}
            <span className="block text-xs text-slate-600">{t(`allHint.${whose}`)}</span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="scope" value="some" checked={some} onChange={() => setSome(true)} className="mt-1 h-4 w-4 text-indigo-600" />
          <span>
            {t("some")}
            <span className="block text-xs text-slate-600">{t(`someHint.${whose}`)}</span>
          </span>
        </label>
      </div>
      {some && (
        <div className="mt-3 max-h-80 overflow-y-auto">
          <PermissionGrid idPrefix="scope" permissions={choice.permissions} checked={checked} grantable={grantable} />
        </div>
      )}
    </fieldset>
  );
}

function CreateTokenForm({ userId, scope, proof, onClose }: { userId: string; scope: TokenScopeChoice; proof?: ProofKind; onClose: () => void }) {
  const form = useServerForm(bindAction(createTokenAction, userId));
  const t = useTranslations("tokensPage.create");
  const col = useTranslations("columns");
  const state = form.state;
  if (state.status === "success" && state.result?.token) {
    return (
      <ShownOnceSecret
        label={t("tokenLabel", { name: state.result.name })}
        value={state.result.token}
        warning={t("shownOnce")}
        onClose={onClose}
      />
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form.formProps} className="space-y-4">
      {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
      <TextField
        label={col("name")}
        name="name"
        required
        placeholder={t("namePlaceholder")}
        defaultValue={state.values?.name}
        errors={errors.name}
        hint={t("nameHint", { max: TOKEN_NAME_MAX_LENGTH })}
      />
      <TextField
        label={t("expiresIn")}
        name="expires_in"
        type="number"
        inputMode="numeric"
        required
        min={TOKEN_EXPIRY_DAYS.min}
        max={TOKEN_EXPIRY_DAYS.max}
        step={1}
        defaultValue={state.values?.expires_in ?? String(TOKEN_EXPIRY_DAYS.default)}
        errors={errors.expires_in}
        hint={t("expiresHint", { min: TOKEN_EXPIRY_DAYS.min, max: TOKEN_EXPIRY_DAYS.max })}
      />
      <ScopePicker choice={scope} kept={state.status === "error" ? state.values : undefined} />
      {errors.permissions && (
        <ul className="text-sm text-red-600">
          {errors.permissions.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {proof && <ProofFields proof={proof} errors={errors} why={t("proofWhy")} />}
      <FormActions onCancel={onClose} pending={form.pending} pendingLabel={t("creating")}>{t("title")}</FormActions>
    </form>
  );
}

/**
 * "Create token": name, expiry and scope, then the plain token once, with copy. `proof`: one's own token asks
 * for proof it's the person (lib/tokens/personal-tokens.ts), a service user's doesn't.
 */
export function CreateTokenDialog({ userId, scope, proof }: { userId: string; scope: TokenScopeChoice; proof?: ProofKind }) {
  const [open, setOpen] = useState(false);
  const t = useTranslations("tokensPage.create");
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("title")}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("title")}>
        <CreateTokenForm userId={userId} scope={scope} proof={proof} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
