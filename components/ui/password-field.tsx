"use client";
/**
 * The one password input: a Show/Hide toggle, and for a new password a
 * strength meter with the reason when it is weak. The estimator (zxcvbn-ts,
 * the same library and wording the server judges with; its reasons come as
 * catalog keys, said in the person's language) is loaded only once
 * someone types into a new-password field, so no page pays for it up front.
 * The server stays the judge: the meter only tells early.
 *
 * After a refused submission the form asks secret fields to empty themselves
 * (CLEAR_SECRETS_EVENT from useServerForm); the field says so, so nobody
 * wonders where their typing went. A person's password is cleared; a
 * service's credential an admin is configuring (a client secret, a bind
 * password: `serviceSecret`) stays, as retyping it gains nothing, and is
 * marked autocomplete="off": it is not the admin's password for this site,
 * so the browser should neither generate one nor save it as theirs.
 */
import { useEffect, useId, useRef, useState, type InputHTMLAttributes } from "react";
import { useLocale, useTranslations } from "next-intl";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { FEEDBACK_KEYS, feedbackKey, type FeedbackKey } from "@/lib/passwords/feedback-keys";
import { describedByOf, FieldFrame } from "./field-frame";
import { loadServerMessages } from "./server-messages";
import { CLEAR_SECRETS_EVENT } from "./use-server-form";
import { useTypedBeforeHydration } from "./typed-before-hydration";

/** The score, and why it is too low in the person's language (a catalog entry of the server messages). */
type Strength = { score: number; reason?: string };

/** The server refuses scores below this (lib/passwords/policy). */
const ENOUGH = 3;
const WORDS = ["veryWeak", "weak", "fair", "strong", "veryStrong"] as const;
const BARS = ["bg-red-600", "bg-red-600", "bg-amber-700", "bg-green-600", "bg-green-600"];

let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common")]).then(
    ([{ ZxcvbnFactory }, language]) =>
      new ZxcvbnFactory({
        dictionary: { ...language.dictionary },
        graphs: language.adjacencyGraphs,
        // The reason comes back as a catalog key, said in the person's language below.
        translations: FEEDBACK_KEYS,
        l33tMaxSubstitutions: 4,
        maxLength: 64,
      }),
  );
  estimator.catch(() => (estimator = undefined));
  return estimator;
}

function useStrength(password: string, enabled: boolean, locale: string): Strength | null {
  const [strength, setStrength] = useState<Strength | null>(null);
  useEffect(() => {
    if (!enabled || !password) {
      setStrength(null);
      return;
    }
    let current = true;
    // The reasons are server messages (the server refuses with the same words): their catalog loads with the estimator.
    Promise.all([loadEstimator(), loadServerMessages(locale)])
      .then(([zxcvbn, server]) => {
        if (!current) return;
        const result = zxcvbn.check(password.normalize("NFKC").trim(), ["latchkey"]);
        const reason: FeedbackKey | null = result.score < ENOUGH ? (feedbackKey(result.feedback.warning) ?? feedbackKey(result.feedback.suggestions[0])) : null;
        setStrength({ score: result.score, reason: reason ? server(reason) : undefined });
      })
      .catch(() => current && setStrength(null));
    return () => {
      current = false;
    };
  }, [password, enabled, locale]);
  return strength;
}

export function PasswordField({
  label,
  name,
  errors,
  hint,
  strength: measure = false,
  serviceSecret = false,
  autoComplete,
  className = "",
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "value" | "defaultValue" | "autoComplete"> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
  /** Show the strength meter (fields where a new password is chosen). */
  strength?: boolean;
  /** A service's credential, not a person's password: kept after a refused submission, autocomplete off. */
  serviceSecret?: boolean;
  /** Whose password this is to the browser (https://html.spec.whatwg.org/#autofill); a serviceSecret is "off". */
  autoComplete?: "current-password" | "new-password" | "off";
}) {
  const id = input.id ?? `field-${name}`;
  const strengthId = useId();
  const ref = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState("");
  const [shown, setShown] = useState(false);
  const [cleared, setCleared] = useState(false);
  const locale = useLocale();
  const strength = useStrength(value, measure, locale);
  const t = useTranslations("passwordField");
  useTypedBeforeHydration(ref, setValue);

  useEffect(() => {
    const form = ref.current?.form;
    if (!form || serviceSecret) return;
    const clear = () => {
      setValue((v) => {
        if (v) setCleared(true);
        return "";
      });
      setShown(false);
    };
    form.addEventListener(CLEAR_SECRETS_EVENT, clear);
    return () => form.removeEventListener(CLEAR_SECRETS_EVENT, clear);
  }, [serviceSecret]);

  const note = cleared && !value ? t("cleared") : null;
  // The frame's error list and hint (describedByOf), then the strength meter.
  const describedBy = [describedByOf(id, hint, errors), measure ? strengthId : null].filter(Boolean).join(" ") || undefined;
  return (
    <FieldFrame id={id} label={label} hint={hint} errors={errors} className={className}>
      <div className="mt-1 flex rounded-md shadow-sm">
        <input
          ref={ref}
          id={id}
          name={name}
          type={shown ? "text" : "password"}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setCleared(false);
          }}
          autoCapitalize="none"
          autoComplete={serviceSecret ? "off" : autoComplete}
          spellCheck={false}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className="block w-full min-w-0 rounded-l-md border-0 px-3 py-2 text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid=true]:ring-red-500 sm:text-sm"
          {...input}
        />
        <button
          type="button"
          onClick={() => setShown((s) => !s)}
          aria-pressed={shown}
          aria-controls={id}
          className="-ml-px shrink-0 rounded-r-md bg-white px-3 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          {/* Named through its text, not aria-label, so getByLabel("Password") still finds only the input. The name is
              the catalog's whole phrase: "Show password", but "Passwort anzeigen" (a German noun keeps its capital and
              the verb goes last; "Anzeigen passwort" was what gluing the label on gave). */}
          <span aria-hidden>{shown ? t("hide") : t("show")}</span>
          <span className="sr-only">{t(shown ? "hideField" : "showField", { field: locale === "en" ? label.toLowerCase() : label })}</span>
        </button>
      </div>
      {measure && (
        <div id={strengthId} aria-live="polite" className="mt-1.5">
          {strength && (
            <>
              <div aria-hidden className="flex gap-1">
                {[0, 1, 2, 3].map((i) => (
                  <span key={i} className={`h-1 flex-1 rounded-full ${i < Math.max(1, strength.score) ? BARS[strength.score] : "bg-slate-200"}`} />
                ))}
              </div>
              <p className="mt-1 text-xs text-slate-600">
                {t("strength", { word: t(`words.${WORDS[strength.score]}`) })}
                {strength.score < ENOUGH ? ` ${t("tooWeak")} ${strength.reason ?? t("addWords")}` : "."}
              </p>
            </>
          )}
        </div>
      )}
      {note && <p className="mt-1 text-xs text-amber-700">{note}</p>}
    </FieldFrame>
  );
}
