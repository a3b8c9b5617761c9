/**
 * The state a server action hands back to its form (useActionState): a
 * message, per-field errors, and the submitted values (never passwords) so a
 * refused form keeps what the person typed.
 */
import type { FieldErrors, MessageKeys } from "@/lib/errors";

export type FormState = {
  status: "idle" | "success" | "error";
  message?: string;
  /**
   * Saved, but with something the person must act on (LDAP saved on while Test connection fails on it): the message
   * is said in the warning tone and stays until dismissed, where a plain success leaves by itself.
   */
  warning?: boolean;
  /** The refusal's HTTP-like status (403 not allowed, 401 signed out, 422 invalid…), for tests and logs. */
  code?: number;
  fieldErrors?: FieldErrors;
  values?: Record<string, string>;
  /** Catalog entries of the message and field messages that have one (lib/forms/message-keys.ts): shown in the person's language. */
  messageKeys?: MessageKeys;
  /** What a successful action hands back to show once (a generated password, say). */
  result?: Record<string, string>;
};

/** The banner of a refusal whose messages are said at the fields (components/ui/generic-messages.ts has its translations). */
export const FIX_HIGHLIGHTED_FIELDS = "Please fix the highlighted fields";

export const initialFormState: FormState = { status: "idle" };

/** A list field (ticked boxes of one name) as kept in `values`: its entries joined with commas (ids hold none). */
export function keptList(formData: FormData, name: string): string {
  return formData.getAll(name).map(String).join(",");
}

/** The list a kept value holds (see keptList). */
export function listValue(kept: string): string[] {
  return kept.split(",").filter(Boolean);
}
