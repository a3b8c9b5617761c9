/**
 * The dashboard's application form as the service's input: one address per
 * line, lifetimes in minutes and days (the API speaks seconds), who may sign in
 * as a choice ("everyone" or "groups") and the allowed groups as ticked boxes.
 * Pure (the server actions call it; no server-only imports).
 */
import type { FieldErrors } from "@/lib/errors";
import { setIn } from "@/lib/forms/changed-fields";
import { ACCESS_TTL, REFRESH_TTL } from "./schemas";

/** Form field names, as kept after an error so the form shows what was typed. */
export const APPLICATION_FORM_FIELDS = ["name", "type", "redirect_uris", "post_logout_redirect_uris", "access", "allowed_groups", "access_token_ttl_minutes", "refresh_token_ttl_days", "require_consent", "id_token_signed_response_alg"] as const;
export type ApplicationFormField = (typeof APPLICATION_FORM_FIELDS)[number];

export const ACCESS_MINUTES = { min: ACCESS_TTL.min / 60, max: ACCESS_TTL.max / 60 };
export const REFRESH_DAYS = { min: 1, max: REFRESH_TTL.max / 86_400 };

export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The submitted values as text (what an error shows back) and the problems found before the service sees them. */
export function readApplicationForm(formData: FormData): { values: Record<string, string>; problems: FieldErrors } {
  const values: Record<string, string> = {};
  for (const key of APPLICATION_FORM_FIELDS) {
    if (key === "allowed_groups") values[key] = formData.getAll(key).map(String).join(",");
    else {
      const v = formData.get(key);
      if (typeof v === "string") values[key] = v;
    }
  }
  const problems: FieldErrors = {};
  const minutes = Number(values.access_token_ttl_minutes);
  if (values.access_token_ttl_minutes !== undefined && !(Number.isInteger(minutes) && minutes >= ACCESS_MINUTES.min && minutes <= ACCESS_MINUTES.max)) {
    problems.access_token_ttl_minutes = [`A whole number of minutes, ${ACCESS_MINUTES.min}–${ACCESS_MINUTES.max}`];
  }
  const days = Number(values.refresh_token_ttl_days);
  if (values.refresh_token_ttl_days !== undefined && !(Number.isInteger(days) && days >= REFRESH_DAYS.min && days <= REFRESH_DAYS.max)) {
    problems.refresh_token_ttl_days = [`A whole number of days, ${REFRESH_DAYS.min}–${REFRESH_DAYS.max}`];
  }
  return { values, problems };
}

/**
 * Service input from the form; `include` picks the fields (all on create, the changed ones on save).
 * On save the allowed groups are an edit of the stored set (`groupsAsEdit`, lib/forms/changed-fields setIn).
 */
export function applicationInputOf(formData: FormData, values: Record<string, string>, include: (field: ApplicationFormField) => boolean, groupsAsEdit = false): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (include("name")) input.name = values.name ?? "";
  if (include("type") && values.type !== undefined) input.type = values.type;
  if (include("redirect_uris")) input.redirect_uris = linesOf(values.redirect_uris ?? "");
  if (include("post_logout_redirect_uris")) input.post_logout_redirect_uris = linesOf(values.post_logout_redirect_uris ?? "");
  // Who may sign in goes with the groups: unticking the last one under "Only members…" is then refused, not read as "everyone".
  if ((include("access") || include("allowed_groups")) && values.access !== undefined) input.access = values.access;
  if (include("allowed_groups")) input.allowed_groups = groupsAsEdit ? setIn(formData, "allowed_groups") : formData.getAll("allowed_groups").map(String);
  if (include("access_token_ttl_minutes") && values.access_token_ttl_minutes !== undefined) input.access_token_ttl_seconds = Number(values.access_token_ttl_minutes) * 60;
  if (include("refresh_token_ttl_days") && values.refresh_token_ttl_days !== undefined) input.refresh_token_ttl_seconds = Number(values.refresh_token_ttl_days) * 86_400;
  if (include("require_consent")) input.require_consent = formData.get("require_consent") === "on";
  if (include("id_token_signed_response_alg") && values.id_token_signed_response_alg !== undefined) input.id_token_signed_response_alg = values.id_token_signed_response_alg;
  return input;
}

/** The service's field names as the form's. */
export function formFieldErrors(errors: FieldErrors | undefined): FieldErrors | undefined {
  if (!errors) return errors;
  const rename: Record<string, string> = { access_token_ttl_seconds: "access_token_ttl_minutes", refresh_token_ttl_seconds: "refresh_token_ttl_days" };
  const out: FieldErrors = {};
  for (const [key, list] of Object.entries(errors)) {
    const field = rename[key] ?? key.replace(/\.\d+$/, "");
    (out[field] ??= []).push(...list);
  }
  return out;
}
