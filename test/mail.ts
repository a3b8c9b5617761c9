/**
 * Unit tests' mail: an account's mail sent to a throwaway SMTP server on loopback (test/smtp-server.ts).
 */
import type { MailSettingsInput } from "@/lib/mail/schemas";
import { saveMailSettings } from "@/lib/mail/settings";
import { createAccount, createUser, META, startSession, type TestUser } from "./factories";
import { startSmtpServer, type TestSmtp } from "./smtp-server";

/**
 * Turns the owner's account's mail on, sent through `smtp`, with any other settings given (notices…). An
 * owner with a password proves it's them (`current_password`, lib/mail/settings.ts); one without has just signed in.
 */
export async function sendMailThrough(smtp: TestSmtp, owner: TestUser, settings: Partial<MailSettingsInput> & { current_password?: string } = {}): Promise<void> {
  const input = { host: "127.0.0.1", port: smtp.port, security: "none", from_address: "latchkey@example.com", public_url: "https://team.example.com", ...settings };
  await saveMailSettings(await startSession(owner), input, META);
}

/** An account whose owner sends its mail through a throwaway SMTP server: where the mail tests start (stop `smtp` after). */
export async function startMailInstance(): Promise<{ smtp: TestSmtp; accountId: string; owner: TestUser }> {
  const smtp = await startSmtpServer();
  const accountId = await createAccount();
  const owner = await createUser(accountId, { role: "owner" });
  await sendMailThrough(smtp, owner);
  return { smtp, accountId, owner };
}

/** A message to this address (for `smtp.waitFor`). */
export const sentTo = (address: string) => (m: { to?: unknown }) => JSON.stringify(m.to).includes(address);
