/**
 * A real SMTP server for the e2e tests (the unit tests' helper, test/smtp-server.ts):
 * smtp-server + mailparser on a free loopback port, plus the link in a message.
 */
export { startSmtpServer, type TestSmtp } from "../../test/smtp-server";

/** The first link in a message's text that starts with base + path. */
export function linkIn(text: string | undefined, base: string, path: string): string {
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}${path}\\?token=[0-9A-Za-z_%]+`).exec(text ?? "");
  if (!match) throw new Error(`No ${path} link in:\n${text}`);
  return match[0];
}

export const recipientIs = (address: string) => (m: { to?: unknown }) => JSON.stringify(m.to ?? "").toLowerCase().includes(address.toLowerCase());
