/**
 * The fields of an application, shared by the "New application" dialog and the
 * application's page. After an error they show what was typed (`kept`), else the
 * stored values. The type is chosen once (it can't change later).
 */
import { listValue } from "@/lib/forms/form-state";
import { useTranslations } from "next-intl";
import { AccessChoice } from "./access-choice";
import { TextAreaField } from "@/components/ui/text-area-field";
import { TextField } from "@/components/ui/text-field";
import { ACCESS_MINUTES, REFRESH_DAYS } from "@/lib/applications/form-input";
import { APPLICATION_NAME_MAX } from "@/lib/applications/schemas";
import type { FieldErrors } from "@/lib/errors";

/** Example values shown as placeholders: addresses and names, the same in every language. */
const EXAMPLES = ["https://app.example.com/callback", "https://app.example.com/"] as const;

export type ApplicationFormValue = {
  name: string;
  type: "web" | "spa" | "device";
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Who may sign in: "nobody" (limited, no group left) shows as "groups" with no box ticked. */
  access: "everyone" | "groups" | "nobody";
  allowedGroupIds: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireConsent: boolean;
  idTokenSignedResponseAlg: "RS256" | "ES256";
};

/** The kinds of application; each one's name and explanation are in "applicationsPage.types". */
const TYPES: ReadonlyArray<ApplicationFormValue["type"]> = ["web", "spa", "device"];

export const NEW_APPLICATION: ApplicationFormValue = {
  name: "",
  type: "web",
  redirectUris: [],
  postLogoutRedirectUris: [],
  access: "everyone",
  allowedGroupIds: [],
  accessTokenTtlSeconds: 600,
  refreshTokenTtlSeconds: 2_592_000,
  requireConsent: false,
  idTokenSignedResponseAlg: "RS256",
};


function minutesOf(seconds: number): string {
  return Number.isInteger(seconds / 60) ? String(seconds / 60) : (seconds / 60).toFixed(2);
}
function daysOf(seconds: number): string {
  return Number.isInteger(seconds / 86_400) ? String(seconds / 86_400) : (seconds / 86_400).toFixed(2);
}

export function ApplicationFields({
  app,
  groups,
  kept,
  errors = {},
  typeFixed,
  readOnly = false,
}: {
  app: ApplicationFormValue;
  groups: Array<{ id: string; name: string }>;
  kept?: Record<string, string>;
  errors?: FieldErrors;
  /** The application exists: its type is shown, not chosen. */
  typeFixed: boolean;
  readOnly?: boolean;
}) {
  const type = (kept?.type as ApplicationFormValue["type"] | undefined) ?? app.type;
  const access = kept?.access === "everyone" || kept?.access === "groups" ? kept.access : app.access === "everyone" ? "everyone" : "groups";
  // Under Everyone the boxes were disabled, so none was submitted: they show what they showed.
  const keptGroups = kept?.allowed_groups !== undefined && !(kept.access === "everyone" && kept.allowed_groups === "") ? listValue(kept.allowed_groups) : undefined;
  const selectedGroups = keptGroups ?? app.allowedGroupIds;
  const consent = kept ? kept.require_consent === "on" : app.requireConsent;
  const t = useTranslations("applicationsPage");
  const alg = kept?.id_token_signed_response_alg ?? app.idTokenSignedResponseAlg;
  // A device app signs in on another screen and returns nowhere: no redirect addresses to ask for. The new-app
  // form hides them while Device / CLI is chosen (CSS, so without the script too); a device app's page shows
  // them only when it has some stored. A refusal about them always shows them.
  const redirectErrors = Boolean(errors.redirect_uris?.length || errors.post_logout_redirect_uris?.length);
  const storedRedirects = app.redirectUris.length + app.postLogoutRedirectUris.length > 0;
  const redirectsClass = redirectErrors
    ? "space-y-4"
    : !typeFixed
      ? "space-y-4 group-has-[#application-type-device:checked]/app:hidden"
      : app.type === "device" && !storedRedirects
        ? "hidden"
        : "space-y-4";
  return (
    <div className="group/app space-y-4">
      <TextField label={t("name")} name="name" required autoComplete="off" readOnly={readOnly} defaultValue={kept?.name ?? app.name} errors={errors.name} hint={t("nameHint", { max: APPLICATION_NAME_MAX })} />
      {typeFixed ? (
        <div>
          <p className="text-sm font-medium text-slate-900">{t("type")}</p>
          <p className="mt-1 text-sm text-slate-700">
            {t(`types.${app.type}.label`)}: {t(`types.${app.type}.explanation`)}
          </p>
        </div>
      ) : (
        <fieldset>
          <legend className="block text-sm font-medium text-slate-900">{t("type")}</legend>
          <div className="mt-1 space-y-2">
            {TYPES.map((value) => (
              <label key={value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="type" value={value} id={`application-type-${value}`} defaultChecked={type === value} className="mt-1" aria-describedby={`type-${value}-explanation`} />
                <span>
                  <span className="font-medium text-slate-900">{t(`types.${value}.label`)}</span>
                  <span id={`type-${value}-explanation`} className="block text-xs text-slate-600">
                    {t(`types.${value}.explanation`)}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errors.type?.length ? <p className="mt-1 text-sm text-red-600">{errors.type.join(" ")}</p> : null}
        </fieldset>
      )}
      <div className={redirectsClass}>
        <TextAreaField
          label={t("redirectUris")}
          name="redirect_uris"
          rows={3}
          readOnly={readOnly}
          placeholder={EXAMPLES[0]}
          defaultValue={kept?.redirect_uris ?? app.redirectUris.join("\n")}
          errors={errors.redirect_uris}
          hint={t("redirectUrisHint")}
        />
        <TextAreaField
          label={t("postLogoutUris")}
          name="post_logout_redirect_uris"
          rows={2}
          readOnly={readOnly}
          placeholder={EXAMPLES[1]}
          defaultValue={kept?.post_logout_redirect_uris ?? app.postLogoutRedirectUris.join("\n")}
          errors={errors.post_logout_redirect_uris}
          hint={t("postLogoutUrisHint")}
        />
      </div>
      <AccessChoice access={access} groups={groups} selected={selectedGroups} errors={errors} readOnly={readOnly} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("accessTtl")}
          name="access_token_ttl_minutes"
          type="number"
          inputMode="numeric"
          min={ACCESS_MINUTES.min}
          max={ACCESS_MINUTES.max}
          step={1}
          required
          readOnly={readOnly}
          defaultValue={kept?.access_token_ttl_minutes ?? minutesOf(app.accessTokenTtlSeconds)}
          errors={errors.access_token_ttl_minutes}
          hint={t("accessTtlHint", { min: ACCESS_MINUTES.min, max: ACCESS_MINUTES.max })}
        />
        <TextField
          label={t("refreshTtl")}
          name="refresh_token_ttl_days"
          type="number"
          inputMode="numeric"
          min={REFRESH_DAYS.min}
          max={REFRESH_DAYS.max}
          step={1}
          required
          readOnly={readOnly}
          defaultValue={kept?.refresh_token_ttl_days ?? daysOf(app.refreshTokenTtlSeconds)}
          errors={errors.refresh_token_ttl_days}
          hint={t("refreshTtlHint")}
        />
      </div>
      <div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="require_consent" defaultChecked={consent} disabled={readOnly} className="mt-1" aria-describedby="require-consent-hint" />
          <span>
            <span className="font-medium text-slate-900">{t("consent")}</span>
            <span id="require-consent-hint" className="block text-xs text-slate-600">
              {t("consentHint")}
            </span>
          </span>
        </label>
      </div>
      <div>
        <label htmlFor="id-token-alg" className="block text-sm font-medium text-slate-900">
          {t("idTokenAlg")}
        </label>
        <select
          id="id-token-alg"
          name="id_token_signed_response_alg"
          defaultValue={alg}
          disabled={readOnly}
          aria-describedby="id-token-alg-hint"
          className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:w-auto"
        >
          <option value="RS256">{t("idTokenAlgDefault")}</option>
          <option value="ES256">ES256</option>
        </select>
        <span id="id-token-alg-hint" className="mt-1 block text-xs text-slate-600">
          {t("idTokenAlgHint")}
        </span>
      </div>
    </div>
  );
}
