/**
 * The SMTP connection (nodemailer) for the current settings: SMTP_URL as it
 * is, or host/port/security/credentials from Settings → Email. Timeouts are
 * short: a dead mail server fails a try, and the outbox tries again later.
 *
 * The server goes through the outbound guard (lib/security/outbound-guard.ts)
 * as identity providers and LDAP do: link-local and cloud metadata addresses
 * are never contacted. Loopback and private LAN ranges are allowed (a relay on
 * the same machine or the LAN is the usual homelab set-up). The name is
 * resolved and checked here, and nodemailer connects to the checked address,
 * so a name that resolves differently the second time can't slip past; TLS
 * still verifies the certificate against the name.
 */
import "server-only";
import net from "node:net";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { checkedAddress } from "@/lib/security/outbound-guard";
import type { MailTransportSettings } from "./settings";

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
const SMTP_DESTINATIONS = { allowInternal: true };

export async function createMailTransport(s: MailTransportSettings) {
  const options = s.url ? smtpUrlOptions(s.url) : settingsOptions(s);
  const name = String(options.host);
  const address = await checkedAddress(name, SMTP_DESTINATIONS);
  // Connect to the checked address; TLS (and STARTTLS) still checks the certificate against the name.
  const tls = net.isIP(name.replace(/^\[|\]$/g, "")) ? options.tls : { ...options.tls, servername: name };
  return nodemailer.createTransport({ ...options, host: address, tls, ...TIMEOUTS });
}

function settingsOptions(s: MailTransportSettings): SMTPTransport.Options {
  if (!s.host) throw new Error("Mail is not set up: no SMTP server");
  return {
    host: s.host,
    port: s.port,
    secure: s.security === "tls",
    requireTLS: s.security === "starttls",
    ignoreTLS: s.security === "none",
    auth: s.username ? { user: s.username, pass: s.password ?? "" } : undefined,
  };
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
