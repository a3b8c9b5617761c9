/** Domain errors as form state; anything else is a bug and propagates. */
import { DomainError, Invalid } from "@/lib/errors";
import type { FormState } from "./form-state";

export function formStateFromError(err: unknown, values?: Record<string, string>): FormState {
  if (!(err instanceof DomainError)) throw err;
  return {
    status: "error",
    message: err.message,
    fieldErrors: err instanceof Invalid ? err.fieldErrors : undefined,
    values,
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
