/** zod errors as the domain's Invalid error, with messages per field. */
import type { z } from "zod";
import { Invalid, type FieldErrors, type MessageRef } from "@/lib/errors";

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "_";
    // A missing or mistyped field reads better with the schema's own message than zod's default.
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** A custom issue's catalog entry, for a text with values in it: `ctx.addIssue({ code: "custom", message, params: { messageRef } })`. */
function messageRefOf(issue: z.core.$ZodIssue): MessageRef | undefined {
  const ref = issue.code === "custom" ? (issue.params as { messageRef?: MessageRef } | undefined)?.messageRef : undefined;
  return ref && typeof ref.key === "string" ? ref : undefined;
}

/** A schema's refusal whose messages are all about fields (each said there). */
export const INVALID_INPUT = "Invalid input";

export function zodToInvalid(error: z.ZodError): Invalid {
  const fields = fieldErrorsOf(error);
  const message = fields._ ? fields._.join("; ") : INVALID_INPUT;
  const invalid = new Invalid(message, fields);
  for (const issue of error.issues) {
    const ref = messageRefOf(issue);
    if (ref) invalid.keyed(ref.key, ref.params, issue.message);
  }
  return invalid;
}

/** Parses, throwing Invalid with field messages on failure. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToInvalid(parsed.error);
  return parsed.data;
}
