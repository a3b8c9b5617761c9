/** Domain errors as form state; anything else is a bug and propagates. */
import { getTranslations } from "next-intl/server";
import { conflictFromConstraint } from "@/lib/db/constraint-errors";
import { Conflict, DomainError, Invalid } from "@/lib/errors";
import type { FormState } from "./form-state";
import { messageKeysOf, serverText } from "./message-keys";

export function formStateFromError(thrown: unknown, values?: Record<string, string>): FormState {
  const err = conflictFromConstraint(thrown) ?? thrown;
  if (!(err instanceof DomainError)) throw err;
  const fieldErrors = err instanceof Invalid || err instanceof Conflict ? err.fieldErrors : undefined;
  const messageKeys = messageKeysOf(err, fieldErrors);
  return {
    status: "error",
    message: err.message,
    code: err.status,
    fieldErrors,
    values,
    ...(messageKeys && { messageKeys }),
  };
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

/** Forms that set a password ask for it twice; a mismatch is a field error on the confirmation. */
export function assertConfirmed(formData: FormData, field: string): void {
  if (formData.get(field) !== formData.get("confirm_password")) {
    throw new Invalid("Please fix the highlighted fields", { confirm_password: ["Passwords do not match"] });
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
