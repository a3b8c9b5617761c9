"use client";

import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useId, useState } from "react";
import { useTranslations } from "next-intl";
import { enrolPasskeyAction, enrolPasskeyOptionsAction } from "@/app/(public)/login/two-factor/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useServerForm } from "@/components/ui/use-server-form";
import type { FormState } from "@/lib/forms/form-state";
import { AppEnrolmentForm, ContinueAfterEnrolment } from "./second-step-forms";
import { PASSKEY_NAME_MAX } from "@/lib/mfa/limits";

type Method = "app" | "passkey";

type Props = {
  callbackUrl: string;
  /** The app's secret being set up; null once the step is proven (a reload after set-up). */
  secret: string | null;
  qrCode: string | null;
  /** Passkeys can be used here (a public address is configured). */
  passkeys: boolean;
};

/**
 * The set-up forced after the password for someone who must use two-factor
 * and has no factor: the authenticator app or a passkey, then the ten
 * recovery codes, then on to where the sign-in was going.
 */
export function ForcedSetup({ callbackUrl, secret, qrCode, passkeys }: Props) {
  const [method, setMethod] = useState<Method>("app");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [browserCan, setBrowserCan] = useState(true);
  useEffect(() => setBrowserCan(browserSupportsWebAuthn()), []);
  const t = useTranslations("forcedSetup");
  if (codes || !secret) return <ContinueAfterEnrolment callbackUrl={callbackUrl} codes={codes} readyText={t("ready")} />;
  return (
    <div className="space-y-5">
      {passkeys && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">{t("chooseLegend")}</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            <Choice value="app" label={t("app")} hint={t("appHint")} chosen={method} onChoose={setMethod} />
            <Choice value="passkey" label={t("passkey")} hint={t("passkeyHint")} chosen={method} onChoose={setMethod} disabled={!browserCan} />
          </div>
          {!browserCan && <p className="mt-2 text-sm text-slate-600">{t("noBrowser")}</p>}
        </fieldset>
      )}
      {method === "passkey" && browserCan ? <PasskeyEnrolmentForm onCodes={setCodes} /> : <AppEnrolmentForm secret={secret} qrCode={qrCode} onCodes={setCodes} />}
    </div>
  );
}

function Choice({ value, label, hint, chosen, onChoose, disabled = false }: { value: Method; label: string; hint: string; chosen: Method; onChoose: (m: Method) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="relative flex gap-3 rounded-md bg-white p-3 ring-1 ring-inset ring-slate-300 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600 has-[:disabled]:opacity-60">
      <input
        id={id}
        type="radio"
        name="second-factor-kind"
        value={value}
        checked={chosen === value}
        disabled={disabled}
        onChange={() => onChoose(value)}
        aria-describedby={`${id}-hint`}
        className="mt-0.5 size-4 shrink-0 accent-indigo-600"
      />
      <div className="min-w-0">
        {/* The label stretches over the whole card, so a tap anywhere on it chooses. */}
        <label htmlFor={id} className="block text-sm font-medium text-slate-900 after:absolute after:inset-0 after:content-['']">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      </div>
    </div>
  );
}

/** "Chrome on Linux": what the browser says about itself, as a name the person can keep or change. */
function deviceName(template: (parts: { browser: string; os: string }) => string): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /OPR\//.test(ua) ? "Opera" : /Firefox\/|FxiOS/.test(ua) ? "Firefox" : /Chrome\/|CriOS/.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "";
  const os = /iPhone|iPad|iPod/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /CrOS/.test(ua)
        ? "ChromeOS"
        : /Macintosh|Mac OS X/.test(ua)
          ? "macOS"
          : /Windows/.test(ua)
            ? "Windows"
            : /Linux/.test(ua)
              ? "Linux"
              : "";
  return browser && os ? template({ browser, os }) : browser || os;
}

/** Set-up during sign-in with a passkey: a name (the browser and system to start with), then the browser's own dialog. */
function PasskeyEnrolmentForm({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const t = useTranslations("forcedSetup");
  const common = useTranslations("common");
  const [name, setName] = useState("");
  // Once, after hydration (the name reads the browser's user agent): not again whenever the translator's
  // identity changes, which would fill in a field the person has cleared.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setName((typed) => typed || deviceName((parts) => t("defaultName", parts))), []);
  const form = useServerForm(
    async (prev: FormState, data: FormData): Promise<FormState> => {
      const started = await enrolPasskeyOptionsAction(prev, data);
      if (started.status === "error" || !started.result?.options) return started;
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: JSON.parse(started.result.options) });
      } catch (err) {
        const cancelled = err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError");
        return { status: "error", message: cancelled ? t("cancelled") : t("browserFailed") };
      }
      data.set("response", JSON.stringify(response));
      const state = await enrolPasskeyAction(prev, data);
      if (state.status === "success") onCodes((state.result?.recoveryCodes ?? "").split("\n"));
      return state;
    },
    { guardLeave: false },
  );
  return (
    <form {...form.formProps} className="space-y-4">
      {form.state.status === "error" && form.state.message && <Alert tone="error">{form.state.message}</Alert>}
      <p className="text-sm text-slate-700">{t("passkeyIntro")}</p>
      <TextField
        id="forced-setup-passkey-name"
        label={t("nameLabel")}
        name="name"
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
        hint={`${t("nameHint")} ${common("upToCharacters", { max: PASSKEY_NAME_MAX })}`}
        errors={form.state.fieldErrors?.name}
        autoComplete="off"
      />
      <SubmitButton className="w-full" pending={form.pending} pendingLabel={t("waitingDevice")}>
        {t("create")}
      </SubmitButton>
    </form>
  );
}
