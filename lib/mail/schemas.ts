/**
 * The inputs of Settings → Email and PUT /api/settings/email: one schema for
 * the form and the API (and the OpenAPI document).
 */
import { z } from "zod";
import { MAIL_SECURITY } from "@/lib/db/schema.sqlite";

const optionalText = (max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : null));

export const mailSettingsInputSchema = z.object({
  /** Empty turns sending off (links are shown once, as without a mail server). */
  host: z
    .string({ error: "Must be a host name or address" })
    .trim()
    .max(253, "Must be a host name or address")
    .regex(/^$|^[A-Za-z0-9.\-:[\]]+$/, "Must be a host name or address, like mail.example.com")
    .optional()
    .transform((v) => (v ? v : null)),
  port: z.coerce.number({ error: "Must be a port from 1 to 65535" }).int("Must be a port from 1 to 65535").min(1, "Must be a port from 1 to 65535").max(65535, "Must be a port from 1 to 65535").default(587),
  security: z.enum(MAIL_SECURITY, { error: "Must be none, starttls or tls" }).default("starttls"),
  username: optionalText(320, "At most 320 characters"),
  /** Write-only: left out (or empty) keeps the stored one; clear_password removes it. */
  password: z.string({ error: "Must be text" }).max(1024, "At most 1024 characters").optional(),
  clear_password: z.boolean({ error: "Must be true or false" }).default(false),
  from_name: optionalText(120, "At most 120 characters"),
  from_address: z
    .string({ error: "Must be an email address" })
    .trim()
    .max(320, "Must be an email address")
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || z.email().safeParse(v).success, "Must be an email address, like latchkey@example.com"),
  public_url: z
    .string({ error: "Must be an http:// or https:// address" })
    .trim()
    .max(2000, "At most 2000 characters")
    .optional()
    .transform((v) => (v ? v.replace(/\/+$/, "") : null))
    .refine((v) => v === null || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), "Must be an http:// or https:// address, like https://team.example.com"),
  notice_password_changed: z.boolean({ error: "Must be true or false" }).default(true),
  notice_two_factor_changed: z.boolean({ error: "Must be true or false" }).default(true),
  notice_access_token_created: z.boolean({ error: "Must be true or false" }).default(true),
  notice_new_browser: z.boolean({ error: "Must be true or false" }).default(true),
});
export type MailSettingsInput = z.input<typeof mailSettingsInputSchema>;
export type MailSettingsValues = z.output<typeof mailSettingsInputSchema>;

export const testMailSchema = z.object({
  to: z.string({ error: "Must be an email address" }).trim().pipe(z.email("Must be an email address")),
});
