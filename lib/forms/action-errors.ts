/** Domain errors as form state; anything else is a bug and propagates. */
import { getTranslations } from "next-intl/server";
import { conflictFromConstraint } from "@/lib/db/constraint-errors";
import { unavailableFromDatabase } from "@/lib/db/unavailable";
import { Conflict, DomainError, Invalid, type FieldErrors } from "@/lib/errors";
import { FIX_HIGHLIGHTED_FIELDS, type FormState } from "./form-state";
import { messageKeysOf, serverText } from "./message-keys";
import { INVALID_INPUT } from "@/lib/http/validation";

/**
 * A refusal as its form shows it:
 * - each field message under the form's control it is about: a schema's path into a list or an object
 *   ("auto_groups.0", "group_mapping.2.group_id") is said at the field named by its first step, since
 *   no form names a control by a path (the API keeps the whole path in "errors");
 * - a message that is one of its fields' own (a taken email or name, a wrong current password: the error
 *   says it in both), or a schema's generic "Invalid input", is said at that field only, when the form shows
 *   the field, and the banner asks to fix the highlighted field instead of repeating it.
 *
 * The form shows the fields it sends back (`values`, kept after a refusal) and its `secrets`: fields it
 * shows whose values are never sent back (a password, a code). A link's token or a passkey's response is
 * neither.
 */
export function formStateFromError(thrown: unknown, values?: Record<string, string>, secrets: readonly string[] = []): FormState {
  const err = conflictFromConstraint(thrown) ?? unavailableFromDatabase(thrown) ?? thrown;
  if (!(err instanceof DomainError)) throw err;
  const fieldErrors = err instanceof Invalid || err instanceof Conflict ? byFormField(err.fieldErrors) : undefined;
  const messageKeys = messageKeysOf(err, fieldErrors);
  const shown = (field: string) => (values !== undefined && Object.hasOwn(values, field)) || secrets.includes(field);
  // The schema's generic "Invalid input" says nothing the fields don't: it, too, points at them when one is shown.
  const saidAtAField = Object.entries(fieldErrors ?? {}).some(([field, messages]) => shown(field) && (messages.includes(err.message) || err.message === INVALID_INPUT));
  return {
    status: "error",
    message: saidAtAField ? FIX_HIGHLIGHTED_FIELDS : err.message,
    code: err.status,
    fieldErrors,
    values,
    ...(messageKeys && { messageKeys }),
  };
}

/** Field messages keyed by the form control they are about (the first step of their path), each said once. */
function byFormField(errors: FieldErrors): FieldErrors {
  const fields: FieldErrors = {};
  for (const [path, messages] of Object.entries(errors)) {
    const field = path.split(".")[0];
    fields[field] = [...new Set([...(fields[field] ?? []), ...messages])];
  }
  return fields;
}

/** Text values of a submitted form, leaving out secrets so they are never echoed back. */
export function formValues(formData: FormData, keys: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keys) {
    const v = formData.get(key);
    if (typeof v === "string") values[key] = v;
  }
  return values;
}

/** The fields of a form that sets a password (invite, setup, reset link): shown, never sent back. */
export const PASSWORD_FIELDS = ["password", "confirm_password"] as const;

/** Forms that set a password ask for it twice; a mismatch is a field error on the confirmation. */
export function assertConfirmed(formData: FormData, field: string): void {
  if (formData.get(field) !== formData.get("confirm_password")) {
    throw new Invalid(FIX_HIGHLIGHTED_FIELDS, { confirm_password: ["Passwords do not match"] });
  }
}

/**
 * A bulk action's refused rows for the form, each reason in the person's
 * language when the catalog has it (the API answers the same rows in English).
 */
export async function bulkFailures(results: ReadonlyArray<{ id: string; ok: boolean; message?: string }>): Promise<Array<{ id: string; message: string }>> {
  const refused = results.filter((r) => !r.ok);
  if (refused.length === 0) return [];
  const t = await getTranslations("serverMessages");
  return refused.map((r) => ({ id: r.id, message: serverText(t, r.message ?? "") }));
}
