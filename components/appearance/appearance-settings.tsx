"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { removeLogoAction, saveInstanceNameAction } from "@/app/(dashboard)/settings/appearance/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { describedByOf, FieldFrame } from "@/components/ui/field-frame";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useToast } from "@/components/ui/toast";
import { useServerForm } from "@/components/ui/use-server-form";
import { INSTANCE_NAME_MAX, LOGO_DIMENSIONS_MESSAGE, LOGO_EMPTY_MESSAGE, LOGO_SIZE_MESSAGE, LOGO_TYPE_MESSAGE, MAX_LOGO_BYTES, MAX_LOGO_SIDE } from "@/lib/appearance/limits";
import { Card, cardClasses, CardHeading } from "@/components/ui/card";

type Initial = { name: string; logo: { url: string; size: number } | null };

/** Settings → Appearance: the instance's name (a server action) and its logo (uploaded to the API, removed by an action). */
export function AppearanceSettings({ initial, defaultName, readOnly }: { initial: Initial; defaultName: string; readOnly: boolean }) {
  const t = useTranslations("appearance");
  return (
    <div className="space-y-6">
      {readOnly && <Alert tone="info">{t("instance.readOnly")}</Alert>}
      <NameForm initial={initial.name} defaultName={defaultName} readOnly={readOnly} />
      <LogoSection logo={initial.logo} readOnly={readOnly} />
    </div>
  );
}

function NameForm({ initial, defaultName, readOnly }: { initial: string; defaultName: string; readOnly: boolean }) {
  const form = useServerForm(saveInstanceNameAction, { announce: true });
  const t = useTranslations("appearance");
  const tc = useTranslations("common");
  const state = form.state;
  return (
    <form {...form.formProps} className={cardClasses({ className: "space-y-4" })} aria-labelledby="appearance-name-heading">
      <CardHeading id="appearance-name-heading">
        {t("instance.nameHeading")}
      </CardHeading>
      {state.status === "error" && state.message && !state.fieldErrors?.name && <Alert tone="error">{state.message}</Alert>}
      <TextField
        key={form.version}
        label={t("instance.nameLabel")}
        name="name"
        defaultValue={form.values?.name ?? initial}
        placeholder={defaultName}
        // No maxLength: it cut a pasted name short without a word. The hint says the limit; a longer name
        // stays as typed and the server's refusal is said at the field.
        autoComplete="off"
        errors={state.fieldErrors?.name}
        hint={t("instance.nameHint", { max: INSTANCE_NAME_MAX, fallback: defaultName })}
        disabled={readOnly}
        className="max-w-md"
      />
      {!readOnly && (
        <SubmitButton pending={form.pending} pendingLabel={tc("saving")}>
          {t("instance.saveName")}
        </SubmitButton>
      )}
    </form>
  );
}

/** The API's refusal texts for a logo, in the person's language. */
function useLogoError() {
  const t = useTranslations("appearance");
  return (message: string): string => {
    if (message === LOGO_TYPE_MESSAGE) return t("instance.errors.type");
    if (message === LOGO_SIZE_MESSAGE || /too large/i.test(message)) return t("instance.errors.size");
    if (message === LOGO_EMPTY_MESSAGE) return t("instance.errors.empty");
    if (message === LOGO_DIMENSIONS_MESSAGE) return t("instance.errors.dimensions", { max: MAX_LOGO_SIDE });
    return t("instance.errors.failed", { message });
  };
}

function LogoSection({ logo, readOnly }: { logo: Initial["logo"]; readOnly: boolean }) {
  const t = useTranslations("appearance");
  const tc = useTranslations("common");
  const router = useRouter();
  const notify = useToast();
  const say = useLogoError();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const remove = useServerForm(removeLogoAction, { announce: true, guardLeave: false });

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const choose = (chosen: File | null) => {
    setError(null);
    setFile(chosen);
    setPreview(chosen ? URL.createObjectURL(chosen) : null);
    // Only a convenience: the server reads the size (and the type, from the bytes) for itself.
    if (chosen && chosen.size > MAX_LOGO_BYTES) setError(t("instance.errors.size"));
  };

  const upload = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file || uploading) return;
    if (file.size > MAX_LOGO_BYTES) return setError(t("instance.errors.size"));
    setUploading(true);
    setError(null);
    try {
      const res = await fetch("/api/settings/appearance/logo", { method: "PUT", body: file, headers: { "content-type": file.type || "application/octet-stream" } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { message?: string; errors?: Record<string, string[]> } | null;
        setError(say(body?.errors?.logo?.[0] ?? body?.message ?? res.statusText));
        return;
      }
      notify("success", t("instance.uploaded"));
      choose(null);
      if (input.current) input.current.value = "";
      router.refresh();
    } catch (err) {
      setError(say(err instanceof Error ? err.message : String(err)));
    } finally {
      setUploading(false);
    }
  };

  const errors = error ? [error] : undefined;
  return (
    <Card className="space-y-4" labelledBy="appearance-logo-heading">
      <CardHeading id="appearance-logo-heading">
        {t("instance.logoHeading")}
      </CardHeading>
      <div className="flex flex-wrap items-center gap-4">
        {logo ? (
          <figure className="flex items-center gap-3">
            {/* A plain img: the logo is served by our own API route, sized by the owner's upload. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={logo.url} alt={t("instance.currentLogo")} className="max-h-12 max-w-[12rem] rounded bg-slate-50 p-1 ring-1 ring-slate-200" />
            <figcaption className="text-xs text-slate-500">{t("instance.currentLogo")}</figcaption>
          </figure>
        ) : (
          <p className="text-sm text-slate-600">{t("instance.noLogo")}</p>
        )}
        {logo && !readOnly && (
          <form {...remove.formProps}>
            <SubmitButton variant="secondary" pending={remove.pending} pendingLabel={tc("saving")}>
              {t("instance.remove")}
            </SubmitButton>
          </form>
        )}
      </div>
      {remove.state.status === "error" && remove.state.message && <Alert tone="error">{remove.state.message}</Alert>}
      {!readOnly && (
        <form onSubmit={upload} noValidate className="space-y-4">
          <FieldFrame id="field-logo" label={t("instance.logoLabel")} hint={t("instance.logoHint")} errors={errors} className="max-w-md">
            <input
              ref={input}
              id="field-logo"
              name="logo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              aria-invalid={errors ? true : undefined}
              aria-describedby={describedByOf("field-logo", t("instance.logoHint"), errors)}
              onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)}
              className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold file:text-slate-900 hover:file:bg-slate-200"
            />
          </FieldFrame>
          {preview && (
            <figure className="flex items-center gap-3">
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={preview} alt={t("instance.previewLabel")} className="max-h-12 max-w-[12rem] rounded bg-slate-50 p-1 ring-1 ring-slate-200" />
              <figcaption className="text-xs text-slate-500">{t("instance.previewLabel")}</figcaption>
            </figure>
          )}
          <Button type="submit" disabled={!file || uploading} aria-disabled={!file || uploading}>
            {uploading ? tc("saving") : t("instance.upload")}
          </Button>
        </form>
      )}
    </Card>
  );
}
