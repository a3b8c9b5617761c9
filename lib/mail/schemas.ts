/**
 * The inputs of Settings → Email and PUT /api/settings/email: one schema for
 * the form and the API (and the OpenAPI document). Both send a patch (the
 * fields that change); the service lays it over what is stored and validates
 * the whole with mailSettingsInputSchema.
 */
import { z } from "zod";
import { isPublicAddress } from "@/lib/config";
import { hasUnsafeDisplayCharacters } from "@/lib/format/display-text";
import { numberInput } from "@/lib/http/number-input";
import { MAIL_SECURITY } from "@/lib/db/schema.sqlite";
import { factorProofSchema } from "@/lib/mfa/proof-schema";

const optionalText = (max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .max(max, message)
    .nullish()
    .transform((v) => (v ? v : null));

export const mailSettingsInputSchema = z.object({
  /** Empty (or null) turns sending off (links are shown once, as without a mail server). */
  host: z
    .string({ error: "Must be a host name or address" })
    .trim()
    .max(253, "Must be a host name or address")
    .regex(/^$|^[A-Za-z0-9.\-:[\]]+$/, "Must be a host name or address, like mail.example.com")
    .nullish()
    .transform((v) => (v ? v : null)),
  port: numberInput(z.number({ error: "Must be a port from 1 to 65535" }).int("Must be a port from 1 to 65535").min(1, "Must be a port from 1 to 65535").max(65535, "Must be a port from 1 to 65535")).default(587),
  security: z.enum(MAIL_SECURITY, { error: "Must be none, starttls or tls" }).default("starttls"),
  username: optionalText(320, "At most 320 characters"),
  /** Write-only: left out (or empty) keeps the stored one; clear_password removes it. */
  password: z.string({ error: "Must be text" }).max(1024, "At most 1024 characters").optional(),
  clear_password: z.boolean({ error: "Must be true or false" }).default(false),
  // Every mail shows it as who it is from: one line of visible text (lib/format/display-text.ts).
  from_name: optionalText(120, "At most 120 characters").refine((name) => name === null || !hasUnsafeDisplayCharacters(name), "Name must not contain control characters"),
  from_address: z
    .string({ error: "Must be an email address" })
    .trim()
    .max(320, "Must be an email address")
    .nullish()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || z.email().safeParse(v).success, "Must be an email address, like latchkey@example.com"),
  public_url: z
    .string({ error: "Must be an http:// or https:// address" })
    .trim()
    .max(2000, "At most 2000 characters")
    .nullish()
    .transform((v) => (v ? v.replace(/\/+$/, "") : null))
    .refine((v) => v === null || isPublicAddress(v), "Must be an http:// or https:// address without a path, like https://team.example.com"),
  notice_password_changed: z.boolean({ error: "Must be true or false" }).default(true),
  notice_two_factor_changed: z.boolean({ error: "Must be true or false" }).default(true),
  notice_access_token_created: z.boolean({ error: "Must be true or false" }).default(true),
  notice_new_browser: z.boolean({ error: "Must be true or false" }).default(true),
});
export type MailSettingsInput = z.input<typeof mailSettingsInputSchema>;
export type MailSettingsValues = z.output<typeof mailSettingsInputSchema>;

/**
 * The proof it's the owner (lib/mfa/proof.ts) a signed-in person adds when mail would go somewhere else:
 * "current_password" (the body's "password" is the SMTP server's), or "code" from their authenticator app.
 */
export const mailSettingsProofSchema = z.object({
  current_password: factorProofSchema.shape.password,
  code: factorProofSchema.shape.code,
});
export type MailSettingsProof = z.input<typeof mailSettingsProofSchema>;

/** PUT /api/settings/email's body as the OpenAPI document shows it: any of the fields, and the proof. */
export const mailSettingsPatchSchema = mailSettingsInputSchema.partial().extend({
  password: mailSettingsInputSchema.shape.password.describe(
    "The SMTP password, write-only: left out (or empty) keeps the stored one, but only while host, port, security and username stay as they are; otherwise send it again or clear_password",
  ),
  current_password: mailSettingsProofSchema.shape.current_password
    .optional()
    .describe("Your own password: needed from a signed-in session that changes host, port, security, username, from_address or public_url, or turns a notice off (not from an access token)"),
  code: mailSettingsProofSchema.shape.code.optional().describe("A code from your authenticator app, instead of current_password when you have no password"),
});

export const testMailSchema = z.object({
  to: z.string({ error: "Must be an email address" }).trim().pipe(z.email("Must be an email address")),
});
