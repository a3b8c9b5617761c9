/**
 * Unit tests' mail: an account's mail sent to a throwaway SMTP server on loopback (test/smtp-server.ts).
 */
import type { MailSettingsInput } from "@/lib/mail/schemas";
import { saveMailSettings } from "@/lib/mail/settings";
import { META, startSession, type TestUser } from "./factories";
import type { TestSmtp } from "./smtp-server";

/**
 * Turns the owner's account's mail on, sent through `smtp`, with any other settings given (notices…). An
 * owner with a password proves it's them (`current_password`, lib/mail/settings.ts); one without has just signed in.
 */
export async function sendMailThrough(smtp: TestSmtp, owner: TestUser, settings: Partial<MailSettingsInput> & { current_password?: string } = {}): Promise<void> {
  const input = { host: "127.0.0.1", port: smtp.port, security: "none", from_address: "latchkey@example.com", public_url: "https://team.example.com", ...settings };
  await saveMailSettings(await startSession(owner), input, META);
}

/** A message to this address (for `smtp.waitFor`). */
export const sentTo = (address: string) => (m: { to?: unknown }) => JSON.stringify(m.to).includes(address);
