/**
 * The fields of an application, shared by the "New application" dialog and the
 * application's page. After an error they show what was typed (`kept`), else the
 * stored values. The type is chosen once (it can't change later).
 */
import { GroupCheckboxes } from "@/components/users/group-checkboxes";
import { TextAreaField } from "@/components/ui/text-area-field";
import { TextField } from "@/components/ui/text-field";
import { ACCESS_MINUTES, REFRESH_DAYS } from "@/lib/applications/form-input";
import { APPLICATION_NAME_MAX, APPLICATION_TYPE_INFO } from "@/lib/applications/schemas";
import type { FieldErrors } from "@/lib/errors";

export type ApplicationFormValue = {
  name: string;
  type: "web" | "spa" | "device";
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedGroupIds: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireConsent: boolean;
  idTokenSignedResponseAlg: "RS256" | "ES256";
};

export const NEW_APPLICATION: ApplicationFormValue = {
  name: "",
  type: "web",
  redirectUris: [],
  postLogoutRedirectUris: [],
  allowedGroupIds: [],
  accessTokenTtlSeconds: 600,
  refreshTokenTtlSeconds: 2_592_000,
  requireConsent: false,
  idTokenSignedResponseAlg: "RS256",
};

const TYPES = Object.entries(APPLICATION_TYPE_INFO) as Array<[ApplicationFormValue["type"], { label: string; explanation: string }]>;

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
  const selectedGroups = kept?.allowed_groups !== undefined ? kept.allowed_groups.split(",").filter(Boolean) : app.allowedGroupIds;
  const consent = kept ? kept.require_consent === "on" : app.requireConsent;
  const alg = kept?.id_token_signed_response_alg ?? app.idTokenSignedResponseAlg;
  return (
    <div className="space-y-4">
      <TextField label="Name" name="name" required maxLength={APPLICATION_NAME_MAX} autoComplete="off" readOnly={readOnly} defaultValue={kept?.name ?? app.name} errors={errors.name} hint="Shown to people when they sign in to it." />
      {typeFixed ? (
        <div>
          <p className="text-sm font-medium text-slate-900">Type</p>
          <p className="mt-1 text-sm text-slate-700">
            {APPLICATION_TYPE_INFO[app.type].label}: {APPLICATION_TYPE_INFO[app.type].explanation}
          </p>
        </div>
      ) : (
        <fieldset>
          <legend className="block text-sm font-medium text-slate-900">Type</legend>
          <div className="mt-1 space-y-2">
            {TYPES.map(([value, info]) => (
              <label key={value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="type" value={value} defaultChecked={type === value} className="mt-1" aria-describedby={`type-${value}-explanation`} />
                <span>
                  <span className="font-medium text-slate-900">{info.label}</span>
                  <span id={`type-${value}-explanation`} className="block text-xs text-slate-600">
                    {info.explanation}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errors.type?.length ? <p className="mt-1 text-sm text-red-600">{errors.type.join(" ")}</p> : null}
        </fieldset>
      )}
      <TextAreaField
        label="Redirect URIs"
        name="redirect_uris"
        rows={3}
        readOnly={readOnly}
        placeholder="https://app.example.com/callback"
        defaultValue={kept?.redirect_uris ?? app.redirectUris.join("\n")}
        errors={errors.redirect_uris}
        hint="One per line, matched exactly. https://, or http:// on 127.0.0.1, [::1] or localhost. Device apps need none."
      />
      <TextAreaField
        label="Post-logout redirect URIs"
        name="post_logout_redirect_uris"
        rows={2}
        readOnly={readOnly}
        placeholder="https://app.example.com/"
        defaultValue={kept?.post_logout_redirect_uris ?? app.postLogoutRedirectUris.join("\n")}
        errors={errors.post_logout_redirect_uris}
        hint="Optional. Where the app may send people after they sign out, one per line."
      />
      <GroupCheckboxes
        name="allowed_groups"
        legend="Who may sign in"
        hint="Tick groups to allow only their members; none ticked: everyone in this account."
        groups={groups}
        selected={selectedGroups}
        errors={errors.allowed_groups}
        disabled={readOnly}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Access token lifetime (minutes)"
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
          hint={`${ACCESS_MINUTES.min}–${ACCESS_MINUTES.max}; 10 by default.`}
        />
        <TextField
          label="Refresh token lifetime (days)"
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
          hint="Renewed each time it is used; 30 by default."
        />
      </div>
      <div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="require_consent" defaultChecked={consent} disabled={readOnly} className="mt-1" aria-describedby="require-consent-hint" />
          <span>
            <span className="font-medium text-slate-900">Ask for consent</span>
            <span id="require-consent-hint" className="block text-xs text-slate-600">
              People confirm what the app may read before their first sign-in. Off: apps you register here are trusted.
            </span>
          </span>
        </label>
      </div>
      <div>
        <label htmlFor="id-token-alg" className="block text-sm font-medium text-slate-900">
          ID token signature
        </label>
        <select
          id="id-token-alg"
          name="id_token_signed_response_alg"
          defaultValue={alg}
          disabled={readOnly}
          aria-describedby="id-token-alg-hint"
          className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:w-auto"
        >
          <option value="RS256">RS256 (default)</option>
          <option value="ES256">ES256</option>
        </select>
        <span id="id-token-alg-hint" className="mt-1 block text-xs text-slate-600">
          RS256 is what every app verifies; choose ES256 only for apps that support it. The JWKS publishes a key of each kind.
        </span>
      </div>
    </div>
  );
}
