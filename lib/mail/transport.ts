/**
 * The SMTP connection (nodemailer) for the current settings: SMTP_URL as it
 * is, or host/port/security/credentials from Settings → Email. Timeouts are
 * short: a dead mail server fails a try, and the outbox tries again later.
 */
import "server-only";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { MailTransportSettings } from "./settings";

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailTransport(s: MailTransportSettings) {
  if (s.url) return nodemailer.createTransport({ ...smtpUrlOptions(s.url), ...TIMEOUTS });
  if (!s.host) throw new Error("Mail is not set up: no SMTP server");
  const options: SMTPTransport.Options = {
    host: s.host,
    port: s.port,
    secure: s.security === "tls",
    requireTLS: s.security === "starttls",
    ignoreTLS: s.security === "none",
    auth: s.username ? { user: s.username, pass: s.password ?? "" } : undefined,
    ...TIMEOUTS,
  };
  return nodemailer.createTransport(options);
}

function smtpUrlOptions(url: string): SMTPTransport.Options {
  const parsed = new URL(url);
  const secure = parsed.protocol === "smtps:";
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
  };
}

/** "Name <address>" for the From header: the sender name set in Settings → Email, else the instance's name. */
export function fromHeader(s: Pick<MailTransportSettings, "fromName" | "fromAddress">, instanceName = "Latchkey"): { name: string; address: string } {
  return { name: s.fromName ?? instanceName, address: s.fromAddress ?? "" };
}
